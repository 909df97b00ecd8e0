package io.mptcp4j.samples.echo;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;

/**
 * A plain java.nio echo server and client, with no line of mptcp4j in it: started with
 * {@code -Djava.nio.channels.spi.SelectorProvider=io.mptcp4j.nio.MptcpSelectorProvider} it speaks MPTCP.
 *
 * <pre>
 *   NioEcho server PORT                 echo every connection until it ends (one selector, non-blocking)
 *   NioEcho client HOST PORT BYTES      send BYTES pseudo-random bytes, read the echo, compare SHA-256
 * </pre>
 *
 * The client prints one line: {@code echo ok bytes=N sha256=... provider=...} (exit 0), or {@code echo FAILED}
 * (exit 1).
 */
public final class NioEcho {

    private NioEcho() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("server")) {
            serve(Integer.parseInt(args[1]));
        } else if (args.length == 4 && args[0].equals("client")) {
            System.exit(client(new InetSocketAddress(args[1], Integer.parseInt(args[2])), Long.parseLong(args[3]))
                    ? 0 : 1);
        } else {
            System.err.println("usage: NioEcho server PORT | NioEcho client HOST PORT BYTES");
            System.exit(2);
        }
    }

    /** Echoes every connection on {@code port} until killed. */
    static void serve(int port) throws IOException {
        try (Selector selector = Selector.open(); ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(port));
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
            System.out.println("listening on " + server.getLocalAddress() + " provider="
                    + SelectorProvider.provider().getClass().getName());
            while (true) {
                selector.select();
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey key = it.next();
                    it.remove();
                    if (key.isAcceptable()) {
                        SocketChannel c = server.accept();
                        if (c != null) {
                            c.configureBlocking(false);
                            c.register(selector, SelectionKey.OP_READ, ByteBuffer.allocate(64 * 1024));
                        }
                    } else {
                        echo(key);
                    }
                }
            }
        }
    }

    /** Reads what came, writes it back; waits for OP_WRITE while the peer does not take it. */
    private static void echo(SelectionKey key) throws IOException {
        SocketChannel c = (SocketChannel) key.channel();
        ByteBuffer buf = (ByteBuffer) key.attachment();
        try {
            if (key.isReadable() && buf.hasRemaining()) {
                if (c.read(buf) < 0) {
                    buf.flip();
                    while (buf.hasRemaining()) {
                        c.write(buf); // what is left of the last chunk, then the half-close
                    }
                    c.shutdownOutput();
                    key.cancel();
                    c.close();
                    return;
                }
            }
            buf.flip();
            c.write(buf);
            buf.compact();
            key.interestOps(buf.position() > 0 ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        } catch (IOException e) {
            key.cancel();
            c.close();
        }
    }

    /** Sends {@code bytes} bytes to {@code server} and checks the echo; true if it came back whole. */
    static boolean client(InetSocketAddress server, long bytes) throws IOException {
        MessageDigest sent = sha256();
        MessageDigest received = sha256();
        long written = 0;
        long read = 0;
        long seed = 0x9E3779B97F4A7C15L;
        ByteBuffer out = ByteBuffer.allocate(64 * 1024).flip();
        ByteBuffer in = ByteBuffer.allocate(64 * 1024);
        try (Selector selector = Selector.open(); SocketChannel c = SocketChannel.open()) {
            c.configureBlocking(false);
            c.connect(server);
            SelectionKey key = c.register(selector, SelectionKey.OP_CONNECT);
            boolean outputDone = false;
            while (true) {
                selector.select(30_000);
                if (selector.selectedKeys().isEmpty()) {
                    System.out.println("echo FAILED: nothing happened for 30 s after " + read + " bytes");
                    return false;
                }
                selector.selectedKeys().clear();
                if (key.isConnectable() && !c.finishConnect()) {
                    continue;
                }
                if (!outputDone) {
                    if (!out.hasRemaining() && written < bytes) {
                        out.clear();
                        while (out.hasRemaining() && written + out.position() < bytes) {
                            seed = seed * 6364136223846793005L + 1442695040888963407L;
                            out.put((byte) (seed >>> 56));
                        }
                        out.flip();
                        sent.update(out.duplicate());
                    }
                    written += c.write(out);
                    if (written == bytes && !out.hasRemaining()) {
                        c.shutdownOutput();
                        outputDone = true;
                    }
                }
                int n;
                while ((n = c.read(in)) > 0) {
                    in.flip();
                    received.update(in);
                    in.clear();
                    read += n;
                }
                if (n < 0) {
                    break;
                }
                key.interestOps(SelectionKey.OP_READ | (outputDone ? 0 : SelectionKey.OP_WRITE));
            }
            String a = HexFormat.of().formatHex(sent.digest());
            String b = HexFormat.of().formatHex(received.digest());
            boolean ok = read == bytes && a.equals(b);
            System.out.println("echo " + (ok ? "ok" : "FAILED") + " bytes=" + read + " sha256=" + b + " provider="
                    + c.provider().getClass().getName() + " local=" + c.getLocalAddress());
            return ok;
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
