package io.mptcp4j.nio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectableChannel;

/** A platform {@link Pipe} whose two ends are channels of the mptcp4j provider, so they register with its selectors. */
final class PlatformPipe extends Pipe {

    private final SourceChannel source;
    private final SinkChannel sink;

    PlatformPipe(MptcpSelectorProvider provider, Pipe platform) {
        this.source = new Source(provider, platform.source());
        this.sink = new Sink(provider, platform.sink());
    }

    @Override
    public SourceChannel source() {
        return source;
    }

    @Override
    public SinkChannel sink() {
        return sink;
    }

    private static final class Source extends SourceChannel implements SelectableMptcp {
        private final SourceChannel platform;

        Source(MptcpSelectorProvider provider, SourceChannel platform) {
            super(provider);
            this.platform = platform;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return platform.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return platform.read(dsts, offset, length);
        }

        @Override
        public long read(ByteBuffer[] dsts) throws IOException {
            return platform.read(dsts);
        }

        @Override
        protected void implCloseSelectableChannel() throws IOException {
            platform.close();
        }

        @Override
        protected void implConfigureBlocking(boolean block) throws IOException {
            platform.configureBlocking(block);
        }

        @Override
        public SelectableChannel platformChannel() {
            return platform;
        }
    }

    private static final class Sink extends SinkChannel implements SelectableMptcp {
        private final SinkChannel platform;

        Sink(MptcpSelectorProvider provider, SinkChannel platform) {
            super(provider);
            this.platform = platform;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return platform.write(src);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            return platform.write(srcs, offset, length);
        }

        @Override
        public long write(ByteBuffer[] srcs) throws IOException {
            return platform.write(srcs);
        }

        @Override
        protected void implCloseSelectableChannel() throws IOException {
            platform.close();
        }

        @Override
        protected void implConfigureBlocking(boolean block) throws IOException {
            platform.configureBlocking(block);
        }

        @Override
        public SelectableChannel platformChannel() {
            return platform;
        }
    }
}
