package io.mptcp4j.samples;

import io.mptcp4j.driver.BlockingSocket;
import io.mptcp4j.io.linux.KernelMptcpSocket;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;

/** One end of a byte stream as the benchmarks drive it: the kernel's socket or mptcp4j's, behind one face. */
interface ByteStream extends AutoCloseable {

    /** Writes all of {@code src}. */
    void write(ByteBuffer src) throws IOException;

    /** Reads at least one byte, or -1 at the end of the stream; gives up after {@code timeout}. */
    int read(ByteBuffer dst, Duration timeout) throws IOException;

    /** Sends FIN after what was written. */
    void shutdownOutput() throws IOException;

    @Override
    void close() throws IOException;

    /** A kernel TCP or MPTCP socket. */
    static ByteStream of(KernelMptcpSocket socket) {
        return new ByteStream() {
            @Override
            public void write(ByteBuffer src) throws IOException {
                socket.write(src, null);
            }

            @Override
            public int read(ByteBuffer dst, Duration timeout) throws IOException {
                return socket.read(dst, timeout);
            }

            @Override
            public void shutdownOutput() throws IOException {
                socket.shutdownOutput();
            }

            @Override
            public void close() {
                socket.close();
            }
        };
    }

    /** An mptcp4j socket, TCP or MPTCP. */
    static ByteStream of(BlockingSocket socket) {
        return new ByteStream() {
            @Override
            public void write(ByteBuffer src) throws IOException {
                socket.write(src);
            }

            @Override
            public int read(ByteBuffer dst, Duration timeout) throws IOException {
                return socket.read(dst, timeout);
            }

            @Override
            public void shutdownOutput() throws IOException {
                socket.shutdownOutput();
            }

            @Override
            public void close() {
                socket.close();
            }
        };
    }

    /**
     * A blocking java.nio socket channel. A read waits as long as it takes: the channel has no read timeout of
     * its own, and the benchmarks' timeouts only guard against a hang that a test would catch anyway.
     */
    static ByteStream of(java.nio.channels.SocketChannel channel) {
        return new ByteStream() {
            @Override
            public void write(ByteBuffer src) throws IOException {
                while (src.hasRemaining()) {
                    channel.write(src);
                }
            }

            @Override
            public int read(ByteBuffer dst, Duration timeout) throws IOException {
                return channel.read(dst);
            }

            @Override
            public void shutdownOutput() throws IOException {
                channel.shutdownOutput();
            }

            @Override
            public void close() throws IOException {
                channel.close();
            }
        };
    }
}
