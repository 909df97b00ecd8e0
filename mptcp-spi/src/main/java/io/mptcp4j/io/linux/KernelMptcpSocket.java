package io.mptcp4j.io.linux;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.byref.IntByReference;

/**
 * A socket of the kernel's own stack, MPTCP ({@code socket(AF_INET[6], SOCK_STREAM, IPPROTO_MPTCP)}) or
 * plain TCP: the reference peer for interop tests, baselines and the perf tool.
 *
 * <p>Blocking API over a non-blocking descriptor: every wait polls, so timeouts are exact and {@link #close()}
 * from another thread ends a blocked call with {@link java.nio.channels.AsynchronousCloseException}. A
 * {@code null} timeout waits indefinitely; an expired one throws {@link SocketTimeoutException}. One thread
 * may read while another writes.
 *
 * <p>The socket lives in the network namespace of the thread that created it; create it inside
 * {@link NetworkNamespace#call} to place it in a lab host.
 */
public final class KernelMptcpSocket implements Closeable {

    private static final int SCRATCH_SIZE = 64 * 1024;

    private final NativeFd fd;
    private final AddressFamily family;
    private final StreamProtocol protocol;
    private final ReentrantLock readLock = new ReentrantLock();
    private final ReentrantLock writeLock = new ReentrantLock();
    private Pointer readScratch;
    private Pointer writeScratch;

    private KernelMptcpSocket(int fd, AddressFamily family, StreamProtocol protocol) {
        this.fd = new NativeFd(fd, true);
        this.family = family;
        this.protocol = protocol;
    }

    /** An unbound, unconnected socket. */
    public static KernelMptcpSocket open(AddressFamily family, StreamProtocol protocol) throws IOException {
        int raw = Sockets.open(family, LinuxConstants.SOCK_STREAM, protocol.nativeValue(),
                "SOCK_STREAM, " + protocol.cName(), null);
        return new KernelMptcpSocket(raw, family, protocol);
    }

    /** A listening socket on {@code local} (port 0: any free port) with {@code SO_REUSEADDR}. */
    public static KernelMptcpSocket listen(InetSocketAddress local, StreamProtocol protocol, int backlog)
            throws IOException {
        KernelMptcpSocket socket = open(AddressFamily.of(local.getAddress()), protocol);
        try {
            socket.setReuseAddress(true);
            socket.bind(local);
            socket.listen(backlog);
            return socket;
        } catch (IOException | RuntimeException | Error e) {
            socket.close();
            throw e;
        }
    }

    /** A socket connected to {@code remote}; {@code local} may be null (kernel's choice). */
    public static KernelMptcpSocket connect(InetSocketAddress local, InetSocketAddress remote,
                                            StreamProtocol protocol, Duration timeout) throws IOException {
        KernelMptcpSocket socket = open(AddressFamily.of(remote.getAddress()), protocol);
        try {
            if (local != null) {
                socket.bind(local);
            }
            socket.connect(remote, timeout);
            return socket;
        } catch (IOException | RuntimeException | Error e) {
            socket.close();
            throw e;
        }
    }

    /** A socket connected to {@code remote} from a kernel-chosen address. */
    public static KernelMptcpSocket connect(InetSocketAddress remote, StreamProtocol protocol, Duration timeout)
            throws IOException {
        return connect(null, remote, protocol, timeout);
    }

    /** IPv4 or IPv6. */
    public AddressFamily family() {
        return family;
    }

    /** The protocol asked for at creation; see {@link #socketProtocol()} for what the kernel reports. */
    public StreamProtocol requestedProtocol() {
        return protocol;
    }

    /** {@code SO_REUSEADDR}. */
    public void setReuseAddress(boolean on) throws IOException {
        setIntOption(LinuxConstants.SOL_SOCKET, LinuxConstants.SO_REUSEADDR, on ? 1 : 0, "SO_REUSEADDR");
    }

    /** {@code TCP_NODELAY} (on an MPTCP socket the kernel applies it to every subflow). */
    public void setNoDelay(boolean on) throws IOException {
        setIntOption(LinuxConstants.IPPROTO_TCP, LinuxConstants.TCP_NODELAY, on ? 1 : 0, "TCP_NODELAY");
    }

    /** {@code SO_SNDBUF}. */
    public void setSendBufferSize(int bytes) throws IOException {
        setIntOption(LinuxConstants.SOL_SOCKET, LinuxConstants.SO_SNDBUF, bytes, "SO_SNDBUF");
    }

    /** {@code SO_RCVBUF}. */
    public void setReceiveBufferSize(int bytes) throws IOException {
        setIntOption(LinuxConstants.SOL_SOCKET, LinuxConstants.SO_RCVBUF, bytes, "SO_RCVBUF");
    }

    /**
     * {@code SO_LINGER}: null turns lingering off (the default); a duration makes {@link #close()} wait up to that
     * long for unsent data. Zero makes close abort the connection with a RST, dropping what was not sent.
     */
    public void setLinger(Duration linger) throws IOException {
        int f = fd.acquire();
        try {
            Sockets.setLinger(f, linger != null, linger == null ? 0 : (int) Math.min(Integer.MAX_VALUE,
                    linger.toSeconds()));
        } finally {
            fd.release();
        }
    }

    /** Binds to {@code local}. */
    public void bind(InetSocketAddress local) throws IOException {
        int f = fd.acquire();
        try {
            Sockets.bind(f, local);
        } finally {
            fd.release();
        }
    }

    /** Starts listening. */
    public void listen(int backlog) throws IOException {
        int f = fd.acquire();
        try {
            if (LibC.INSTANCE.listen(f, backlog) != 0) {
                throw Errno.lastFailure("listen");
            }
        } finally {
            fd.release();
        }
    }

    /**
     * Accepts one connection, waiting up to {@code timeout}. The result's {@link #requestedProtocol()} is the
     * listener's, but an MPTCP listener hands out plain TCP sockets for clients without MPTCP (see
     * {@link #socketProtocol()}).
     */
    public KernelMptcpSocket accept(Duration timeout) throws IOException {
        int f = fd.acquire();
        try {
            long deadline = NativeFd.deadline(timeout);
            byte[] peer = new byte[SocketAddresses.STORAGE_LENGTH];
            while (true) {
                IntByReference length = new IntByReference(peer.length);
                int child = LibC.INSTANCE.accept4(f, peer, length,
                        LinuxConstants.SOCK_NONBLOCK | LinuxConstants.SOCK_CLOEXEC);
                if (child >= 0) {
                    return new KernelMptcpSocket(child, family, protocol);
                }
                int errno = LibC.errno();
                if (!fd.isOpen()) {
                    throw new AsynchronousCloseException();
                }
                if (errno == Errno.EINTR || errno == Errno.ECONNRESET) {
                    continue;
                }
                if (errno != Errno.EAGAIN) {
                    throw Errno.failure("accept", errno, null);
                }
                waitFor(LinuxConstants.POLLIN, deadline, "accept");
            }
        } finally {
            fd.release();
        }
    }

    /** Connects to {@code remote}, waiting up to {@code timeout} for the handshake. */
    public void connect(InetSocketAddress remote, Duration timeout) throws IOException {
        byte[] address = SocketAddresses.encode(remote);
        String call = "connect(" + Sockets.format(remote) + ")";
        int f = fd.acquire();
        try {
            if (LibC.INSTANCE.connect(f, address, address.length) == 0) {
                return;
            }
            int errno = LibC.errno();
            if (errno != Errno.EINPROGRESS && errno != Errno.EINTR && errno != Errno.EALREADY) {
                throw Errno.failure(call, errno, null);
            }
            waitFor(LinuxConstants.POLLOUT, NativeFd.deadline(timeout), call);
            Sockets.throwPendingError(f, call);
        } finally {
            fd.release();
        }
    }

    /** Reads into {@code buffer[offset..offset+length)}, blocking; returns bytes read or -1 at end of stream. */
    public int read(byte[] buffer, int offset, int length) throws IOException {
        return read(buffer, offset, length, null);
    }

    /** Like {@link #read(byte[], int, int)} but gives up after {@code timeout}. */
    public int read(byte[] buffer, int offset, int length, Duration timeout) throws IOException {
        java.util.Objects.checkFromIndexSize(offset, length, buffer.length);
        return read(ByteBuffer.wrap(buffer, offset, length), timeout);
    }

    /**
     * Reads into {@code target}'s remaining space (advancing its position); returns bytes read, or -1 at end of
     * stream. Direct buffers are read into without a copy.
     */
    public int read(ByteBuffer target, Duration timeout) throws IOException {
        if (target.isReadOnly()) {
            throw new IllegalArgumentException("read-only buffer");
        }
        if (!target.hasRemaining()) {
            return 0;
        }
        int f = fd.acquire();
        readLock.lock();
        try {
            long deadline = NativeFd.deadline(timeout);
            while (true) {
                int length = target.isDirect() ? target.remaining() : Math.min(target.remaining(), SCRATCH_SIZE);
                Pointer into = target.isDirect()
                        ? Pointer.wrap(LibC.runtime(), DirectBuffers.address(target) + target.position(), length)
                        : readScratch();
                long n = LibC.INSTANCE.read(f, into, length);
                if (n > 0) {
                    if (!target.isDirect()) {
                        copyOut(into, target, (int) n);
                    } else {
                        target.position(target.position() + (int) n);
                    }
                    return (int) n;
                }
                int errno = n == 0 ? 0 : LibC.errno();
                if (!fd.isOpen()) {
                    throw new AsynchronousCloseException(); // EOF or error caused by our own close
                }
                if (n == 0) {
                    return -1;
                }
                if (errno == Errno.EINTR) {
                    continue;
                }
                if (errno != Errno.EAGAIN) {
                    throw Errno.failure("read", errno, null);
                }
                waitFor(LinuxConstants.POLLIN, deadline, "read");
            }
        } finally {
            readLock.unlock();
            fd.release();
        }
    }

    /** Fills {@code buffer} completely; {@link EOFException} if the stream ends first. */
    public void readFully(byte[] buffer, Duration timeout) throws IOException {
        readFully(buffer, 0, buffer.length, timeout);
    }

    /**
     * Fills {@code buffer[offset..offset+length)}; the whole read must finish within {@code timeout}.
     */
    public void readFully(byte[] buffer, int offset, int length, Duration timeout) throws IOException {
        long deadline = NativeFd.deadline(timeout);
        int done = 0;
        while (done < length) {
            Duration left = deadline == Long.MAX_VALUE ? null
                    : Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            int n = read(buffer, offset + done, length - done, left);
            if (n < 0) {
                throw new EOFException("stream ended after " + done + " of " + length + " bytes");
            }
            done += n;
        }
    }

    /** Writes all of {@code buffer[offset..offset+length)}, blocking as needed. */
    public void write(byte[] buffer, int offset, int length) throws IOException {
        java.util.Objects.checkFromIndexSize(offset, length, buffer.length);
        write(ByteBuffer.wrap(buffer, offset, length), null);
    }

    /** Writes all of {@code buffer}. */
    public void write(byte[] buffer) throws IOException {
        write(buffer, 0, buffer.length);
    }

    /**
     * Writes all of {@code source}'s remaining bytes (advancing its position), the whole write bounded by
     * {@code timeout}. Uses {@code MSG_NOSIGNAL}: a reset peer gives an exception, never SIGPIPE.
     */
    public void write(ByteBuffer source, Duration timeout) throws IOException {
        int f = fd.acquire();
        writeLock.lock();
        try {
            long deadline = NativeFd.deadline(timeout);
            while (source.hasRemaining()) {
                int length;
                Pointer from;
                if (source.isDirect()) {
                    length = source.remaining();
                    from = Pointer.wrap(LibC.runtime(), DirectBuffers.address(source) + source.position(), length);
                } else {
                    length = Math.min(source.remaining(), SCRATCH_SIZE);
                    from = writeScratch();
                    copyIn(source, from, length);
                }
                long n = LibC.INSTANCE.sendto(f, from, length, LinuxConstants.MSG_NOSIGNAL, null, 0);
                if (n >= 0) {
                    source.position(source.position() + (int) n);
                    continue;
                }
                int errno = LibC.errno();
                if (!fd.isOpen()) {
                    throw new AsynchronousCloseException();
                }
                if (errno == Errno.EINTR) {
                    continue;
                }
                if (errno != Errno.EAGAIN) {
                    throw Errno.failure("send", errno, null);
                }
                waitFor(LinuxConstants.POLLOUT, deadline, "write");
            }
        } finally {
            writeLock.unlock();
            fd.release();
        }
    }

    /** Sends FIN (MPTCP: DATA_FIN) after pending data; reading stays possible. */
    public void shutdownOutput() throws IOException {
        int f = fd.acquire();
        try {
            if (LibC.INSTANCE.shutdown(f, LinuxConstants.SHUT_WR) != 0) {
                throw Errno.lastFailure("shutdown(SHUT_WR)");
            }
        } finally {
            fd.release();
        }
    }

    /** The bound local address. */
    public InetSocketAddress localAddress() throws IOException {
        int f = fd.acquire();
        try {
            return Sockets.localAddress(f);
        } finally {
            fd.release();
        }
    }

    /** The connected peer's address. */
    public InetSocketAddress remoteAddress() throws IOException {
        int f = fd.acquire();
        try {
            return Sockets.remoteAddress(f);
        } finally {
            fd.release();
        }
    }

    /**
     * {@code SO_PROTOCOL}: 262 for an MPTCP socket, 6 for plain TCP. Measured on Linux 6.18: an MPTCP client
     * whose server answered without MPTCP still says 262; a connection accepted by an MPTCP listener from a
     * client without MPTCP is handed out as a plain TCP socket and says 6.
     */
    public int socketProtocol() throws IOException {
        int f = fd.acquire();
        try {
            return Sockets.getInt(f, LinuxConstants.SOL_SOCKET, LinuxConstants.SO_PROTOCOL, "SO_PROTOCOL");
        } finally {
            fd.release();
        }
    }

    /**
     * {@code getsockopt(SOL_MPTCP, MPTCP_INFO)}, or empty when the kernel refuses it with {@code EOPNOTSUPP}
     * (measured on 6.18): for a plain TCP socket and for an MPTCP socket whose connection fell back to TCP.
     * Listening and unconnected MPTCP sockets do return a structure (token 0, flags 0). Other errors throw.
     */
    public Optional<MptcpInfo> mptcpInfo() throws IOException {
        int f = fd.acquire();
        try {
            byte[] raw = new byte[MptcpInfo.STRUCT_SIZE + 32];
            IntByReference length = new IntByReference(raw.length);
            if (LibC.INSTANCE.getsockopt(f, LinuxConstants.SOL_MPTCP, LinuxConstants.MPTCP_INFO, raw, length)
                    != 0) {
                int errno = LibC.errno();
                if (errno == Errno.EOPNOTSUPP || errno == Errno.ENOPROTOOPT) {
                    return Optional.empty();
                }
                throw Errno.failure("getsockopt(SOL_MPTCP, MPTCP_INFO)", errno, null);
            }
            return Optional.of(MptcpInfo.decode(raw, length.intValue()));
        } finally {
            fd.release();
        }
    }

    /**
     * True if this connection does not run MPTCP: a plain TCP socket ({@code SO_PROTOCOL} 6), or an MPTCP
     * socket that fell back to TCP ({@code MPTCP_INFO} refused, or its fallback flag set). Meaningful once
     * connected; an unconnected MPTCP socket says false.
     */
    public boolean isFallback() throws IOException {
        if (socketProtocol() != LinuxConstants.IPPROTO_MPTCP) {
            return true;
        }
        return mptcpInfo().map(MptcpInfo::isFallback).orElse(true);
    }

    /** A blocking stream view of {@link #read}; closing it closes the socket. */
    public InputStream inputStream() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = KernelMptcpSocket.this.read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return len == 0 ? 0 : KernelMptcpSocket.this.read(b, off, len);
            }

            @Override
            public void close() {
                KernelMptcpSocket.this.close();
            }
        };
    }

    /** A blocking stream view of {@link #write}; closing it closes the socket. */
    public OutputStream outputStream() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                KernelMptcpSocket.this.write(new byte[] {(byte) b});
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                KernelMptcpSocket.this.write(b, off, len);
            }

            @Override
            public void close() {
                KernelMptcpSocket.this.close();
            }
        };
    }

    /** True until closed. */
    public boolean isOpen() {
        return fd.isOpen();
    }

    /** Closes the socket; idempotent. Threads blocked on it get an AsynchronousCloseException. */
    @Override
    public void close() {
        fd.close();
    }

    @Override
    public String toString() {
        return "KernelMptcpSocket[" + protocol + ", " + family + ", " + fd + "]";
    }

    private void setIntOption(int level, int option, int value, String name) throws IOException {
        int f = fd.acquire();
        try {
            Sockets.setInt(f, level, option, value, name);
        } finally {
            fd.release();
        }
    }

    private void waitFor(short events, long deadline, String what) throws IOException {
        long remaining = deadline == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - System.nanoTime();
        if (remaining <= 0 || fd.await(events, remaining) == 0) {
            throw new SocketTimeoutException(what + " timed out");
        }
    }

    private Pointer readScratch() {
        if (readScratch == null) {
            readScratch = Memory.allocateDirect(LibC.runtime(), SCRATCH_SIZE);
        }
        return readScratch;
    }

    private Pointer writeScratch() {
        if (writeScratch == null) {
            writeScratch = Memory.allocateDirect(LibC.runtime(), SCRATCH_SIZE);
        }
        return writeScratch;
    }

    private static void copyOut(Pointer from, ByteBuffer target, int n) {
        if (target.hasArray()) {
            from.get(0, target.array(), target.arrayOffset() + target.position(), n);
            target.position(target.position() + n);
        } else {
            byte[] copy = new byte[n];
            from.get(0, copy, 0, n);
            target.put(copy);
        }
    }

    private static void copyIn(ByteBuffer source, Pointer to, int n) {
        if (source.hasArray()) {
            to.put(0, source.array(), source.arrayOffset() + source.position(), n);
        } else {
            byte[] copy = new byte[n];
            source.duplicate().get(copy);
            to.put(0, copy, 0, n);
        }
    }
}
