package io.mptcp4j.samples;

import io.mptcp4j.driver.MptcpSocket;
import io.mptcp4j.driver.UserspaceMptcp;
import io.mptcp4j.io.linux.KernelMptcpSocket;
import io.mptcp4j.io.linux.StreamProtocol;
import io.mptcp4j.lab.Host;
import io.mptcp4j.lab.NamespaceLab;
import io.mptcp4j.nio.MptcpProviderConfig;
import io.mptcp4j.nio.MptcpSelectorProvider;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code mptcp bench spi}: what the java.nio SPI costs over the stack's own blocking API, in one run on one lab
 * path (not shaped, so the stack's own speed is the limit) against a kernel MPTCP peer: bulk goodput each way and
 * request/response round trips (64 bytes each way), each measured through {@link MptcpSocket} ("core") and through
 * a blocking {@link SocketChannel} of {@link MptcpSelectorProvider} ("spi"), alternating, {@code --repeat} times.
 */
final class SpiBench {

    private static final int PORT = 5301;
    private static final int MESSAGE = 64;

    /** One measurement. */
    record Sample(String api, String what, double value) {
    }

    int run(List<String> args) throws Exception {
        Options o = Options.parse("bench spi", args, Set.of("seconds", "repeat", "round-trips", "json"));
        int seconds = o.integer("seconds", 5, 1, 600);
        int repeat = o.integer("repeat", 3, 1, 50);
        int roundTrips = o.integer("round-trips", 2000, 10, 1_000_000);
        PrintStream out = System.out;
        List<Sample> samples = new ArrayList<>();
        out.printf(Locale.ROOT, "bench spi: 1 path (not shaped), %d s bulk each way, %d round trips of %d bytes,"
                + " x%d, %d cores%n", seconds, roundTrips, MESSAGE, repeat, Runtime.getRuntime().availableProcessors());
        try (NamespaceLab lab = NamespaceLab.builder().paths(1).ipv6(false).build()) {
            lab.awaitLinksUp(Duration.ofSeconds(10));
            InetSocketAddress server = new InetSocketAddress(lab.path(0).serverV4(), PORT);
            try (KernelMptcpSocket listener = lab.inNamespace(Host.SERVER, () -> KernelMptcpSocket.listen(
                    new InetSocketAddress(InetAddress.getByName("0.0.0.0"), PORT), StreamProtocol.MPTCP, 8))) {
                for (int r = 0; r < repeat; r++) {
                    for (String api : List.of("core", "spi")) {
                        samples.addAll(measure(lab, listener, server, api, seconds, roundTrips));
                    }
                }
            }
        }
        out.println(report(samples));
        String json = o.text("json", null);
        if (json != null) {
            Files.writeString(Path.of(json), json(samples));
        }
        return 0;
    }

    /** Upload, download and round trips through {@code api}, each on a connection of its own. */
    private static List<Sample> measure(NamespaceLab lab, KernelMptcpSocket listener, InetSocketAddress server,
                                        String api, int seconds, int roundTrips) throws Exception {
        List<Sample> out = new ArrayList<>();
        try (Client client = api.equals("core") ? new CoreClient(lab) : new SpiClient(lab)) {
            for (String direction : List.of("upload", "download")) {
                try (ByteStream ours = client.connect(server);
                     KernelMptcpSocket peer = listener.accept(LabTransfer.WAIT)) {
                    ByteStream kernel = ByteStream.of(peer);
                    LabTransfer.Result r = direction.equals("upload")
                            ? LabTransfer.run(ours, kernel, seconds, 0, 0, null)
                            : LabTransfer.run(kernel, ours, seconds, 0, 0, null);
                    out.add(new Sample(api, direction + " Mbit/s", r.megabits()));
                }
            }
            try (ByteStream ours = client.connect(server); KernelMptcpSocket peer = listener.accept(LabTransfer.WAIT)) {
                CompletableFuture<Void> echo = CompletableFuture.runAsync(() -> {
                    byte[] buf = new byte[MESSAGE];
                    try {
                        for (int i = 0; i < roundTrips; i++) {
                            peer.readFully(buf, LabTransfer.WAIT);
                            peer.write(buf);
                        }
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                long[] rtts = new long[roundTrips];
                ByteBuffer request = ByteBuffer.allocate(MESSAGE);
                ByteBuffer response = ByteBuffer.allocate(MESSAGE);
                for (int i = 0; i < roundTrips; i++) {
                    long start = System.nanoTime();
                    ours.write(request.clear());
                    response.clear();
                    while (response.hasRemaining()) {
                        if (ours.read(response, LabTransfer.WAIT) < 0) {
                            throw new IOException("the echo ended early");
                        }
                    }
                    rtts[i] = System.nanoTime() - start;
                }
                echo.get(30, TimeUnit.SECONDS);
                Arrays.sort(rtts);
                out.add(new Sample(api, "round trip p50 us", rtts[roundTrips / 2] / 1e3));
                out.add(new Sample(api, "round trip p99 us", rtts[(int) (roundTrips * 0.99)] / 1e3));
            }
        }
        return out;
    }

    /** Per measure, the median over the repeats through each API and their ratio spi / core. */
    static String report(List<Sample> samples) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-20s %12s %12s %10s%n", "", "core", "spi",
                "spi/core"));
        for (String what : List.of("upload Mbit/s", "download Mbit/s", "round trip p50 us", "round trip p99 us")) {
            double core = median(samples, "core", what);
            double spi = median(samples, "spi", what);
            b.append(String.format(Locale.ROOT, "%-20s %12.1f %12.1f %10.3f%n", what, core, spi, spi / core));
        }
        return b.toString();
    }

    static double median(List<Sample> samples, String api, String what) {
        double[] v = samples.stream().filter(s -> s.api().equals(api) && s.what().equals(what))
                .mapToDouble(Sample::value).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    static String json(List<Sample> samples) {
        StringBuilder b = new StringBuilder("{\"samples\":[");
        for (int i = 0; i < samples.size(); i++) {
            Sample s = samples.get(i);
            b.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT,
                    "{\"api\":\"%s\",\"what\":\"%s\",\"value\":%.3f}", s.api(), s.what(), s.value()));
        }
        return b.append("]}\n").toString();
    }

    /** Opens connections through one API; closing it closes the stack. */
    private interface Client extends AutoCloseable {
        ByteStream connect(InetSocketAddress server) throws IOException;

        @Override
        void close();
    }

    private static final class CoreClient implements Client {
        private final UserspaceMptcp stack;

        CoreClient(NamespaceLab lab) throws IOException {
            stack = UserspaceMptcp.builder().namespace(lab.namespace(Host.CLIENT)).address(lab.path(0).clientV4())
                    .open();
        }

        @Override
        public ByteStream connect(InetSocketAddress server) throws IOException {
            return ByteStream.of(stack.connect(server, LabTransfer.WAIT));
        }

        @Override
        public void close() {
            stack.close();
        }
    }

    private static final class SpiClient implements Client {
        private final MptcpSelectorProvider provider;

        SpiClient(NamespaceLab lab) {
            provider = new MptcpSelectorProvider(MptcpProviderConfig.builder()
                    .namespace(lab.namespaceName(Host.CLIENT))
                    .localAddresses(List.of(lab.path(0).clientV4().getHostAddress())).build());
        }

        @Override
        public ByteStream connect(InetSocketAddress server) throws IOException {
            SocketChannel channel = provider.openSocketChannel();
            channel.connect(server);
            return ByteStream.of(channel);
        }

        @Override
        public void close() {
            provider.close();
        }
    }
}
