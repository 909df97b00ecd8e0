package io.mptcp4j.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** {@code mptcp bench plot}: small JSON fixtures in the benchmarks' formats give well-formed SVG with the bars. */
class BenchPlotTest {

    // what MultipathBench.writeJson writes: a kernel TCP reference, then kernel MPTCP and mptcp4j, per cell
    static final String MULTIPATH = """
            {
              "benchmark": "multipath",
              "rateBitsPerSecond": 50000000,
              "seconds": 10,
              "cpus": 2,
              "runs": [
                {"stack": "kernel TCP, 1 path", "paths": 1, "direction": "upload", "mbitPerSecond": 47.80, \
            "bytes": 59750000, "longestGapMillis": 3.1},
                {"stack": "kernel MPTCP", "paths": 2, "direction": "upload", "mbitPerSecond": 92.20, \
            "bytes": 115250000, "longestGapMillis": 2.0},
                {"stack": "mptcp4j", "paths": 2, "direction": "upload", "mbitPerSecond": 88.60, \
            "bytes": 110750000, "longestGapMillis": 2.5},
                {"stack": "kernel TCP, 1 path", "paths": 1, "direction": "download", "mbitPerSecond": 46.40, \
            "bytes": 58000000, "longestGapMillis": 3.0},
                {"stack": "kernel MPTCP", "paths": 2, "direction": "download", "mbitPerSecond": 93.50, \
            "bytes": 116875000, "longestGapMillis": 2.2},
                {"stack": "mptcp4j", "paths": 2, "direction": "download", "mbitPerSecond": 93.90, \
            "bytes": 117375000, "longestGapMillis": 2.4},
                {"stack": "kernel TCP, 1 path", "paths": 1, "direction": "upload", "mbitPerSecond": 46.70, \
            "bytes": 58375000, "longestGapMillis": 3.1},
                {"stack": "kernel MPTCP", "paths": 3, "direction": "upload", "mbitPerSecond": 132.80, \
            "bytes": 166000000, "longestGapMillis": 2.0},
                {"stack": "mptcp4j", "paths": 3, "direction": "upload", "mbitPerSecond": 132.60, \
            "bytes": 165750000, "longestGapMillis": 2.0}
              ]
            }
            """;

    static final String FAILOVER = """
            {
              "benchmark": "failover",
              "rateBitsPerSecond": 50000000,
              "seconds": 6,
              "cpus": 2,
              "runs": [
                {"stack": "kernel MPTCP", "paths": 2, "direction": "upload", "mbitPerSecond": 60.1, "bytes": 1, \
            "longestGapMillis": 295.0},
                {"stack": "mptcp4j", "paths": 2, "direction": "upload", "mbitPerSecond": 70.2, "bytes": 1, \
            "longestGapMillis": 54.0},
                {"stack": "kernel MPTCP", "paths": 2, "direction": "upload", "mbitPerSecond": 60.1, "bytes": 1, \
            "longestGapMillis": 178.0},
                {"stack": "mptcp4j", "paths": 2, "direction": "upload", "mbitPerSecond": 70.2, "bytes": 1, \
            "longestGapMillis": 23.0},
                {"stack": "kernel MPTCP", "paths": 2, "direction": "upload", "mbitPerSecond": 60.1, "bytes": 1, \
            "longestGapMillis": 183.0},
                {"stack": "mptcp4j", "paths": 2, "direction": "upload", "mbitPerSecond": 70.2, "bytes": 1, \
            "longestGapMillis": 10.0},
                {"stack": "kernel MPTCP", "paths": 2, "direction": "download", "mbitPerSecond": 60.1, "bytes": 1, \
            "longestGapMillis": 78.0},
                {"stack": "mptcp4j", "paths": 2, "direction": "download", "mbitPerSecond": 70.2, "bytes": 1, \
            "longestGapMillis": 75.0}
              ]
            }
            """;

    // TcpThroughputBench.toJson: one result per rate and direction; 0 means unshaped
    static final String TCP = """
            {
              "seconds": 10,
              "repeat": 3,
              "family": "IPV4",
              "offloads": false,
              "cpus": 2,
              "java": "17.0.15+6-Debian-1",
              "results": [
                {"rateBitsPerSecond": 50000000, "direction": "upload", "kernelMbitPerSecond": 47.30, \
            "kernelBytes": 59125000, "mptcp4jMbitPerSecond": 47.10, "mptcp4jBytes": 58875000, "ratio": 0.9940},
                {"rateBitsPerSecond": 50000000, "direction": "download", "kernelMbitPerSecond": 47.20, \
            "kernelBytes": 59000000, "mptcp4jMbitPerSecond": 47.50, "mptcp4jBytes": 59375000, "ratio": 1.0060},
                {"rateBitsPerSecond": 0, "direction": "upload", "kernelMbitPerSecond": 4015.00, \
            "kernelBytes": 5018750000, "mptcp4jMbitPerSecond": 1263.00, "mptcp4jBytes": 1578750000, "ratio": 0.3146}
              ]
            }
            """;

    // SpiBench.json: every sample of every repeat
    static final String SPI = "{\"samples\":[{\"api\":\"core\",\"what\":\"upload Mbit/s\",\"value\":751.000},"
            + "{\"api\":\"core\",\"what\":\"round trip p50 us\",\"value\":140.700},"
            + "{\"api\":\"spi\",\"what\":\"upload Mbit/s\",\"value\":797.400},"
            + "{\"api\":\"spi\",\"what\":\"round trip p50 us\",\"value\":114.700},"
            + "{\"api\":\"core\",\"what\":\"upload Mbit/s\",\"value\":700.000},"
            + "{\"api\":\"core\",\"what\":\"round trip p50 us\",\"value\":150.000},"
            + "{\"api\":\"spi\",\"what\":\"upload Mbit/s\",\"value\":900.000},"
            + "{\"api\":\"spi\",\"what\":\"round trip p50 us\",\"value\":100.000},"
            + "{\"api\":\"core\",\"what\":\"upload Mbit/s\",\"value\":800.000},"
            + "{\"api\":\"core\",\"what\":\"round trip p50 us\",\"value\":130.000},"
            + "{\"api\":\"spi\",\"what\":\"upload Mbit/s\",\"value\":600.000},"
            + "{\"api\":\"spi\",\"what\":\"round trip p50 us\",\"value\":120.000}]}\n";

    @Test
    void multipathDrawsTheLimitKernelAndMptcp4jPerPathCountAndDirection() throws Exception {
        Document svg = parse(BenchPlot.multipathSvg(json(MULTIPATH)));
        List<String> bars = bars(svg);
        assertThat(bars).hasSize(9).contains(
                "2 paths upload: 2 x kernel TCP on one path, 95.6 Mbit/s",
                "2 paths upload: kernel MPTCP 92.2 Mbit/s",
                "2 paths upload: mptcp4j 88.6 Mbit/s",
                "3 paths upload: 3 x kernel TCP on one path, 140.1 Mbit/s",
                "3 paths upload: mptcp4j 132.6 Mbit/s");
        // ratios to N x TCP on the bars, mptcp4j / kernel under each group, one panel per path count
        assertThat(texts(svg)).contains("0.964", "0.927", "1.008", "1.012", "0.948", "0.946",
                "mptcp4j / kernel 0.961", "2 x 50 Mbit/s paths", "3 x 50 Mbit/s paths", "kernel MPTCP", "mptcp4j");
        assertThat(heightOf(svg, "2 paths upload: mptcp4j 88.6 Mbit/s"))
                .isLessThan(heightOf(svg, "2 paths upload: kernel MPTCP 92.2 Mbit/s"));
    }

    @Test
    void failoverDrawsMediansWithEveryRunAsADot() throws Exception {
        Document svg = parse(BenchPlot.failoverSvg(json(FAILOVER)));
        assertThat(bars(svg)).containsExactly(
                "upload: kernel MPTCP, median 183 ms of 3 runs",
                "upload: mptcp4j, median 23 ms of 3 runs",
                "download: kernel MPTCP, median 78 ms of 1 runs",
                "download: mptcp4j, median 75 ms of 1 runs");
        assertThat(svg.getElementsByTagName("circle").getLength()).isEqualTo(8);
        assertThat(texts(svg)).contains("183 ms", "23 ms", "target 100 ms", "upload", "download");
        assertThat(count(svg, "line", "reference")).isOne();
    }

    @Test
    void tcpDrawsOnePanelPerRateWithTheToolsRatio() throws Exception {
        Document svg = parse(BenchPlot.tcpSvg(json(TCP)));
        assertThat(bars(svg)).containsExactly(
                "upload: kernel TCP 47.3 Mbit/s", "upload: mptcp4j 47.1 Mbit/s",
                "download: kernel TCP 47.2 Mbit/s", "download: mptcp4j 47.5 Mbit/s",
                "upload: kernel TCP 4015 Mbit/s", "upload: mptcp4j 1263 Mbit/s");
        assertThat(texts(svg)).contains("50 Mbit/s tbf", "unshaped veth", "0.994", "1.006", "0.315", "4015", "1263");
    }

    @Test
    void spiIsNormalizedToCoreFromTheMediansOfTheRepeats() throws Exception {
        Document svg = parse(BenchPlot.spiSvg(json(SPI)));
        // medians: upload core 751.0, spi 797.4; round trip p50 core 140.7, spi 114.7
        assertThat(bars(svg)).containsExactly(
                "upload Mbit/s: core 751.0", "upload Mbit/s: spi 797.4 (1.062 of core)",
                "round trip p50 us: core 140.7", "round trip p50 us: spi 114.7 (0.815 of core)");
        assertThat(texts(svg)).contains("1.06", "0.82", "core = 1", "upload", "round trip p50",
                "\u00b5s, lower is better");
        assertThat(heightOf(svg, "upload Mbit/s: core 751.0"))
                .isEqualTo(heightOf(svg, "round trip p50 us: core 140.7"));
    }

    @Test
    void theCommandWritesOneSvgPerInput(@TempDir Path dir) throws Exception {
        Path multipath = Files.writeString(dir.resolve("m.json"), MULTIPATH);
        Path failover = Files.writeString(dir.resolve("f.json"), FAILOVER);
        Path tcp = Files.writeString(dir.resolve("t.json"), TCP);
        Path spi = Files.writeString(dir.resolve("s.json"), SPI);
        Path out = dir.resolve("img");
        assertThat(Mptcp.run(new String[] {"bench", "plot", "--multipath", multipath.toString(), "--failover",
                failover.toString(), "--tcp", tcp.toString(), "--spi", spi.toString(), "--out", out.toString()}))
                .isZero();
        for (String name : List.of("multipath", "failover", "tcp", "spi")) {
            assertThat(bars(parse(Files.readString(out.resolve("bench-" + name + ".svg"))))).isNotEmpty();
        }
        // a failover result passed as --multipath is drawn as the failover chart
        Path other = dir.resolve("other");
        assertThat(Mptcp.run(new String[] {"bench", "plot", "--multipath", failover.toString(), "--out",
                other.toString()})).isZero();
        assertThat(Files.exists(other.resolve("bench-failover.svg"))).isTrue();
        assertThat(Files.exists(other.resolve("bench-multipath.svg"))).isFalse();
    }

    @Test
    void badArgumentsAndBadFiles(@TempDir Path dir) throws Exception {
        assertThat(Mptcp.run(new String[] {"bench", "plot", "--out", dir.toString()})).isEqualTo(2);
        assertThat(Mptcp.run(new String[] {"bench", "plot", "--tcp", "x.json"})).isEqualTo(2);
        assertThat(Mptcp.run(new String[] {"bench", "plot", "--bars", "x", "--out", dir.toString()})).isEqualTo(2);
        Path broken = Files.writeString(dir.resolve("broken.json"), "{\"runs\": [");
        assertThat(Mptcp.run(new String[] {"bench", "plot", "--multipath", broken.toString(), "--out",
                dir.toString()})).isOne();
        // a tcp result is not a multipath one
        assertThatThrownBy(() -> BenchPlot.multipathSvg(json(TCP))).isInstanceOf(IOException.class);
    }

    @Test
    void theJsonReaderHandlesEscapesAndNesting() {
        Object v = BenchPlot.Json.parse(" {\"a\": [1, -2.5e1, true, null, \"x\\\"\\u00b5\"], \"b\": {}} ");
        assertThat(v).isEqualTo(Map.of("a", java.util.Arrays.asList(1.0, -25.0, true, null, "x\"\u00b5"),
                "b", Map.of()));
        assertThatThrownBy(() -> BenchPlot.Json.parse("[1,]")).isInstanceOf(IllegalArgumentException.class);
        assertThat(BenchPlot.escape("a<b & \"c\"")).isEqualTo("a&lt;b &amp; &quot;c&quot;");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(String text) {
        return (Map<String, Object>) BenchPlot.Json.parse(text);
    }

    private static Document parse(String svg) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        Document d = f.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        assertThat(d.getDocumentElement().getLocalName()).isEqualTo("svg");
        assertThat(d.getDocumentElement().getNamespaceURI()).isEqualTo("http://www.w3.org/2000/svg");
        return d;
    }

    /** The tooltips of the bars, in document order. */
    private static List<String> bars(Document svg) {
        List<String> out = new ArrayList<>();
        NodeList rects = svg.getElementsByTagName("rect");
        for (int i = 0; i < rects.getLength(); i++) {
            Element r = (Element) rects.item(i);
            if (r.getAttribute("class").equals("bar")) {
                out.add(r.getElementsByTagName("title").item(0).getTextContent());
            }
        }
        return out;
    }

    private static double heightOf(Document svg, String tooltip) {
        NodeList rects = svg.getElementsByTagName("rect");
        for (int i = 0; i < rects.getLength(); i++) {
            Element r = (Element) rects.item(i);
            if (r.getTextContent().equals(tooltip)) {
                return Double.parseDouble(r.getAttribute("height"));
            }
        }
        throw new AssertionError("no bar " + tooltip);
    }

    private static List<String> texts(Document svg) {
        List<String> out = new ArrayList<>();
        NodeList texts = svg.getElementsByTagName("text");
        for (int i = 0; i < texts.getLength(); i++) {
            out.add(texts.item(i).getTextContent());
        }
        return out;
    }

    private static int count(Document svg, String tag, String cls) {
        int n = 0;
        NodeList nodes = svg.getElementsByTagName(tag);
        for (int i = 0; i < nodes.getLength(); i++) {
            n += ((Element) nodes.item(i)).getAttribute("class").equals(cls) ? 1 : 0;
        }
        return n;
    }
}
