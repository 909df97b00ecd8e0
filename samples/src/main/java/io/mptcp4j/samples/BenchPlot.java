package io.mptcp4j.samples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code mptcp bench plot}: SVG bar charts of the JSON that {@code bench multipath}, {@code bench failover},
 * {@code bench tcp} and {@code bench spi} write with {@code --json}. No dependencies: a small JSON reader and
 * the SVG text are written here.
 */
final class BenchPlot {

    static final String KERNEL_TCP = "kernel TCP, 1 path";
    static final String KERNEL_MPTCP = "kernel MPTCP";
    static final String MPTCP4J = "mptcp4j";

    private static final String GREY = "#969696";
    private static final String ORANGE = "#fd8d3c";
    private static final String BLUE = "#3182bd";

    /** {@code bench plot}: every input is optional, at least one is needed. */
    int run(List<String> args) throws Exception {
        Options o = Options.parse("bench plot", args, Set.of("multipath", "failover", "tcp", "spi", "out"));
        String out = o.text("out", null);
        if (out == null) {
            throw new Mptcp.UsageException("--out DIR is required");
        }
        Map<String, String> inputs = new LinkedHashMap<>();
        for (String name : List.of("multipath", "failover", "tcp", "spi")) {
            String file = o.text(name, null);
            if (file != null) {
                inputs.put(name, file);
            }
        }
        if (inputs.isEmpty()) {
            throw new Mptcp.UsageException("nothing to plot; give at least one of --multipath FILE, "
                    + "--failover FILE, --tcp FILE, --spi FILE");
        }
        Path dir = Path.of(out);
        Files.createDirectories(dir);
        for (Map.Entry<String, String> e : inputs.entrySet()) {
            Map<String, Object> json = read(Path.of(e.getValue()));
            String svg;
            String name = e.getKey();
            try {
                // a failover result given as --multipath is drawn as the failover chart
                if (name.equals("failover") || "failover".equals(json.get("benchmark"))) {
                    name = "failover";
                    svg = failoverSvg(json);
                } else {
                    svg = switch (name) {
                        case "multipath" -> multipathSvg(json);
                        case "tcp" -> tcpSvg(json);
                        default -> spiSvg(json);
                    };
                }
            } catch (IOException x) {
                throw new IOException(e.getValue() + ": " + x.getMessage(), x);
            }
            Path file = dir.resolve("bench-" + name + ".svg");
            Files.writeString(file, svg, StandardCharsets.UTF_8);
            System.out.println("wrote " + file + " from " + e.getValue());
        }
        return 0;
    }

    private static Map<String, Object> read(Path file) throws IOException {
        try {
            return map(Json.parse(Files.readString(file, StandardCharsets.UTF_8)), file.toString());
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    // ---- the four charts ----

    /** Per path count and direction: N x single-path kernel TCP (the limit), kernel MPTCP, mptcp4j. */
    static String multipathSvg(Map<String, Object> json) throws IOException {
        // runs come as triples: kernel TCP on path 1, then kernel MPTCP and mptcp4j on N paths, same direction
        Map<Integer, Map<String, List<List<Double>>>> lists = new TreeMap<>();
        Map<String, Double> pending = new LinkedHashMap<>();
        for (Object item : list(json.get("runs"), "runs")) {
            Map<String, Object> run = map(item, "run");
            String stack = text(run, "stack");
            String direction = text(run, "direction");
            double mbit = number(run, "mbitPerSecond");
            if (stack.equals(KERNEL_TCP)) {
                pending.put(direction, mbit);
                continue;
            }
            int paths = (int) number(run, "paths");
            List<List<Double>> cell = lists.computeIfAbsent(paths, p -> new LinkedHashMap<>())
                    .computeIfAbsent(direction, d -> List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>()));
            Double reference = pending.remove(direction);
            if (reference != null) {
                cell.get(0).add(reference);
            }
            cell.get(stack.equals(KERNEL_MPTCP) ? 1 : 2).add(mbit);
        }
        if (lists.isEmpty()) {
            throw new IOException("no multipath runs in the file");
        }
        String rate = rate(json);
        List<Panel> panels = new ArrayList<>();
        for (Map.Entry<Integer, Map<String, List<List<Double>>>> p : lists.entrySet()) {
            int n = p.getKey();
            List<Group> groups = new ArrayList<>();
            for (Map.Entry<String, List<List<Double>>> d : p.getValue().entrySet()) {
                List<List<Double>> cell = d.getValue();
                if (cell.get(0).isEmpty()) {
                    throw new IOException(n + " paths " + d.getKey() + ": no '" + KERNEL_TCP + "' reference run");
                }
                double limit = n * median(cell.get(0));
                double kernel = median(cell.get(1));
                double ours = median(cell.get(2));
                String where = n + " paths " + d.getKey();
                groups.add(new Group(d.getKey() + "\nmptcp4j / kernel " + fixed(ours / kernel, 3), List.of(
                        new Bar(GREY, limit, List.of("limit", goodput(limit)), List.of(),
                                where + ": " + n + " x kernel TCP on one path, " + goodput(limit) + " Mbit/s"),
                        new Bar(ORANGE, kernel, List.of(fixed(kernel / limit, 3), goodput(kernel)), List.of(),
                                where + ": kernel MPTCP " + goodput(kernel) + " Mbit/s"),
                        new Bar(BLUE, ours, List.of(fixed(ours / limit, 3), goodput(ours)), List.of(),
                                where + ": mptcp4j " + goodput(ours) + " Mbit/s"))));
            }
            panels.add(new Panel(n + " x " + rate + " paths", "Mbit/s", groups, Double.NaN, null));
        }
        return render("Multipath aggregation: goodput against N x plain TCP (Mbit/s)",
                "ratio on each bar: goodput / (N x kernel TCP on one path); "
                        + (json.containsKey("seconds") ? (long) number(json, "seconds") + " s per run" : ""),
                List.of(new Series(GREY, "kernel TCP x N (limit)"), new Series(ORANGE, "kernel MPTCP"),
                        new Series(BLUE, "mptcp4j")), panels);
    }

    /** Per direction: the longest gap after the failure, median bar and every run as a dot. */
    static String failoverSvg(Map<String, Object> json) throws IOException {
        Map<String, List<List<Double>>> gaps = new LinkedHashMap<>();
        for (Object item : list(json.get("runs"), "runs")) {
            Map<String, Object> run = map(item, "run");
            String stack = text(run, "stack");
            List<List<Double>> cell = gaps.computeIfAbsent(text(run, "direction"),
                    d -> List.of(new ArrayList<>(), new ArrayList<>()));
            cell.get(stack.equals(MPTCP4J) ? 1 : 0).add(number(run, "longestGapMillis"));
        }
        if (gaps.isEmpty()) {
            throw new IOException("no failover runs in the file");
        }
        List<Group> groups = new ArrayList<>();
        int most = 0;
        for (Map.Entry<String, List<List<Double>>> d : gaps.entrySet()) {
            List<Bar> bars = new ArrayList<>();
            for (int s = 0; s < 2; s++) {
                List<Double> runs = d.getValue().get(s);
                if (runs.isEmpty()) {
                    continue;
                }
                most = Math.max(most, runs.size());
                double m = median(runs);
                String who = s == 0 ? KERNEL_MPTCP : MPTCP4J;
                bars.add(new Bar(s == 0 ? ORANGE : BLUE, m, List.of("median", fixed(m, 0) + " ms"), runs,
                        d.getKey() + ": " + who + ", median " + fixed(m, 0) + " ms of " + runs.size() + " runs"));
            }
            groups.add(new Group(d.getKey(), bars));
        }
        String panel = "2 x " + rate(json) + " paths, path 1 down";
        return render("Failover: longest gap in the received stream after a path fails (ms)",
                "bars: median; dots: single runs (" + most + " per bar); dashed: target 0.1 s",
                List.of(new Series(ORANGE, KERNEL_MPTCP), new Series(BLUE, MPTCP4J)),
                List.of(new Panel(panel, "ms", groups, 100, "target 100 ms")));
    }

    /** Per rate (one panel each, own scale) and direction: kernel TCP and mptcp4j goodput. */
    static String tcpSvg(Map<String, Object> json) throws IOException {
        Map<Long, List<Group>> byRate = new LinkedHashMap<>();
        boolean offloads = Boolean.TRUE.equals(json.get("offloads"));
        for (Object item : list(json.get("results"), "results")) {
            Map<String, Object> r = map(item, "result");
            long rate = (long) number(r, "rateBitsPerSecond");
            String direction = text(r, "direction");
            double kernel = number(r, "kernelMbitPerSecond");
            List<Bar> bars = new ArrayList<>();
            bars.add(new Bar(GREY, kernel, List.of(goodput(kernel)), List.of(),
                    direction + ": kernel TCP " + goodput(kernel) + " Mbit/s"));
            if (r.containsKey("mptcp4jMbitPerSecond")) {
                double ours = number(r, "mptcp4jMbitPerSecond");
                // the tool's ratio is of the medians before rounding
                double ratio = r.containsKey("ratio") ? number(r, "ratio") : ours / kernel;
                bars.add(new Bar(BLUE, ours, List.of(fixed(ratio, 3), goodput(ours)), List.of(),
                        direction + ": mptcp4j " + goodput(ours) + " Mbit/s"));
            }
            byRate.computeIfAbsent(rate, k -> new ArrayList<>()).add(new Group(direction, bars));
        }
        if (byRate.isEmpty()) {
            throw new IOException("no tcp results in the file");
        }
        List<Panel> panels = new ArrayList<>();
        for (Map.Entry<Long, List<Group>> e : byRate.entrySet()) {
            String title = e.getKey() > 0 ? rate(e.getKey()) + " tbf" : "unshaped veth";
            panels.add(new Panel(title, "Mbit/s", e.getValue(), Double.NaN, null));
        }
        String runs = json.containsKey("repeat")
                ? "medians of " + (long) number(json, "repeat") + " runs of " + (long) number(json, "seconds") + " s; "
                : "";
        return render("One path: kernel TCP against mptcp4j's userspace TCP (Mbit/s)",
                runs + "ratio on the mptcp4j bar: mptcp4j / kernel" + (offloads ? "; offloads on" : ""),
                List.of(new Series(GREY, offloads ? "kernel TCP (offloads on)" : "kernel TCP"),
                        new Series(BLUE, "mptcp4j")), panels);
    }

    /** Per measure: the medians through the core API and the java.nio provider, normalized to core = 1. */
    static String spiSvg(Map<String, Object> json) throws IOException {
        Map<String, List<List<Double>>> measures = new LinkedHashMap<>();
        for (Object item : list(json.get("samples"), "samples")) {
            Map<String, Object> s = map(item, "sample");
            String api = text(s, "api");
            measures.computeIfAbsent(text(s, "what"), w -> List.of(new ArrayList<>(), new ArrayList<>()))
                    .get(api.equals("spi") ? 1 : 0).add(number(s, "value"));
        }
        List<Group> groups = new ArrayList<>();
        int most = 0;
        for (Map.Entry<String, List<List<Double>>> m : measures.entrySet()) {
            List<Double> core = m.getValue().get(0);
            List<Double> spi = m.getValue().get(1);
            if (core.isEmpty() || spi.isEmpty()) {
                throw new IOException("'" + m.getKey() + "': need samples through both core and spi");
            }
            most = Math.max(most, Math.max(core.size(), spi.size()));
            String what = m.getKey();
            int space = what.lastIndexOf(' ');
            String name = space > 0 ? what.substring(0, space) : what;
            String unit = space > 0 ? what.substring(space + 1).replace("us", "\u00b5s") : "";
            double c = median(core);
            double s = median(spi);
            String label = name + "\n" + unit + (unit.endsWith("s") && !unit.contains("/") ? ", lower is better" : "");
            groups.add(new Group(label, List.of(
                    new Bar(GREY, 1, List.of("1", goodput(c)), List.of(), what + ": core " + goodput(c)),
                    new Bar(BLUE, s / c, List.of(fixed(s / c, 2), goodput(s)), List.of(),
                            what + ": spi " + goodput(s) + " (" + fixed(s / c, 3) + " of core)"))));
        }
        if (groups.isEmpty()) {
            throw new IOException("no spi samples in the file");
        }
        return render("java.nio provider (spi) against the core API, core = 1",
                "bars: spi / core of the medians (" + most + (most == 1 ? " sample" : " samples")
                        + " per API and measure); labels: that ratio, then the median itself",
                List.of(new Series(GREY, "core (UserspaceMptcp, MptcpSocket)"),
                        new Series(BLUE, "spi (SocketChannel)")),
                List.of(new Panel("1 unshaped path, kernel MPTCP peer", "x core", groups, 1, "core = 1")));
    }

    // ---- a grouped bar chart in SVG ----

    /** A legend entry. */
    record Series(String colour, String name) {
    }

    /** One bar: its height, text lines above it, optional dots (single runs) and a tooltip. */
    record Bar(String colour, double value, List<String> labels, List<Double> points, String tooltip) {
    }

    /** Bars side by side; the name may hold several lines. */
    record Group(String name, List<Bar> bars) {
    }

    /** Groups on one y axis; {@code reference} (NaN for none) is drawn as a dashed line. */
    record Panel(String title, String unit, List<Group> groups, double reference, String referenceLabel) {
    }

    private static final int BAR = 40;
    private static final int BAR_GAP = 4;
    private static final int GROUP_GAP = 30;
    private static final int AXIS = 50;
    private static final int MARGIN = 16;
    private static final int PLOT_TOP = 104;
    private static final int PLOT_HEIGHT = 220;
    private static final int REFERENCE_LABEL = 80;

    static String render(String title, String note, List<Series> legend, List<Panel> panels) {
        int[] widths = new int[panels.size()];
        int width = MARGIN;
        for (int i = 0; i < panels.size(); i++) {
            int w = AXIS + GROUP_GAP + (Double.isNaN(panels.get(i).reference()) ? 0 : REFERENCE_LABEL);
            for (Group g : panels.get(i).groups()) {
                w += g.bars().size() * (BAR + BAR_GAP) - BAR_GAP + GROUP_GAP;
            }
            widths[i] = w;
            width += w + MARGIN;
        }
        // room for the title (about 9 px a character at 15 px bold)
        width = Math.max(width, 2 * MARGIN + 9 * title.length());
        int bottom = PLOT_TOP + PLOT_HEIGHT;
        int height = bottom + 80;
        StringBuilder svg = new StringBuilder();
        svg.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\">%n", width, height, width, height));
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.append(text(MARGIN, 22, "start", 15, "bold", title));
        double x = MARGIN;
        for (Series s : legend) {
            svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"36\" width=\"12\" height=\"12\" fill=\"%s\"/>%n",
                    x, s.colour()));
            svg.append(text(x + 17, 46, "start", 12, null, s.name()));
            x += 17 + 7 * s.name().length() + 20;
        }
        int left = MARGIN;
        for (int i = 0; i < panels.size(); i++) {
            panel(svg, panels.get(i), left, widths[i], bottom);
            left += widths[i] + MARGIN;
        }
        svg.append(text(MARGIN, height - 10, "start", 11, null, note));
        return svg.append("</svg>\n").toString();
    }

    private static void panel(StringBuilder svg, Panel p, int left, int width, int bottom) {
        double max = Double.isNaN(p.reference()) ? 0 : p.reference();
        for (Group g : p.groups()) {
            for (Bar b : g.bars()) {
                max = Math.max(max, b.value());
                for (double v : b.points()) {
                    max = Math.max(max, v);
                }
            }
        }
        double step = step(max * 1.2);
        double top = Math.max(step, Math.ceil(max * 1.2 / step) * step);
        int axisX = left + AXIS;
        // a reference line's label goes right of the plot
        int right = left + width - (Double.isNaN(p.reference()) ? 0 : REFERENCE_LABEL);
        svg.append(text((axisX + right) / 2.0, 76, "middle", 13, "bold", p.title()));
        svg.append(text(axisX - 6, PLOT_TOP - 10, "end", 11, null, p.unit()));
        int decimals = step >= 1 ? 0 : step >= 0.1 ? 1 : 2;
        for (int k = 0; k * step <= top + step / 1000; k++) {
            double y = y(k * step, top, bottom);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\"/>%n",
                    axisX, y, right, y, k == 0 ? "#333" : "#e5e5e5"));
            svg.append(text(axisX - 6, y + 4, "end", 11, null, fixed(k * step, decimals)));
        }
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>%n",
                axisX, PLOT_TOP, axisX, bottom));
        double x = axisX + GROUP_GAP;
        for (Group g : p.groups()) {
            double start = x;
            for (Bar b : g.bars()) {
                double y = y(b.value(), top, bottom);
                svg.append(String.format(Locale.ROOT, "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%d\" "
                        + "height=\"%.1f\" fill=\"%s\"><title>%s</title></rect>%n", x, y, BAR, bottom - y, b.colour(),
                        escape(b.tooltip())));
                for (double v : b.points()) {
                    svg.append(String.format(Locale.ROOT, "<circle class=\"run\" cx=\"%.1f\" cy=\"%.1f\" r=\"3\" "
                            + "fill=\"white\" stroke=\"#222\"/>%n", x + BAR / 2.0, y(v, top, bottom)));
                }
                double labelY = y - 4;
                if (!b.points().isEmpty()) {
                    labelY = Math.min(labelY, y(b.points().stream().mapToDouble(Double::doubleValue).max()
                            .orElse(0), top, bottom) - 6);
                }
                List<String> labels = b.labels();
                for (int k = labels.size() - 1; k >= 0; k--) {
                    svg.append(text(x + BAR / 2.0, labelY, "middle", 11, k == 0 && labels.size() > 1 ? "bold" : null,
                            labels.get(k)));
                    labelY -= 13;
                }
                x += BAR + BAR_GAP;
            }
            double middle = (start + x - BAR_GAP) / 2;
            String[] lines = g.name().split("\n");
            for (int k = 0; k < lines.length; k++) {
                svg.append(text(middle, bottom + 16 + 13 * k, "middle", k == 0 ? 12 : 10, null, lines[k]));
            }
            x += GROUP_GAP - BAR_GAP;
        }
        if (!Double.isNaN(p.reference())) {
            double y = y(p.reference(), top, bottom);
            svg.append(String.format(Locale.ROOT, "<line class=\"reference\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" "
                    + "y2=\"%.1f\" stroke=\"#cb181d\" stroke-dasharray=\"5,4\"/>%n", axisX, y, right, y));
            svg.append(text(right + 4, y + 4, "start", 11, null, p.referenceLabel()));
        }
    }

    /** A round step giving about five grid lines up to {@code max}. */
    static double step(double max) {
        if (!(max > 0)) {
            return 1;
        }
        double raw = max / 5;
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double f : new double[] {1, 2, 2.5, 5, 10}) {
            if (f * magnitude >= raw) {
                return f * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private static double y(double value, double top, int bottom) {
        return bottom - PLOT_HEIGHT * Math.max(0, value) / top;
    }

    private static String text(double x, double y, String anchor, int size, String weight, String content) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\"%s>%s</text>%n",
                x, y, anchor, size, weight == null ? "" : " font-weight=\"" + weight + "\"", escape(content));
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    // ---- numbers ----

    static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static String goodput(double v) {
        return fixed(v, Math.abs(v) >= 1000 ? 0 : 1);
    }

    private static String fixed(double v, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    private static String rate(Map<String, Object> json) throws IOException {
        return json.containsKey("rateBitsPerSecond") ? rate((long) number(json, "rateBitsPerSecond")) : "?";
    }

    private static String rate(long bits) {
        if (bits % 1_000_000_000L == 0) {
            return bits / 1_000_000_000L + " Gbit/s";
        }
        if (bits % 1_000_000 == 0) {
            return bits / 1_000_000 + " Mbit/s";
        }
        return bits % 1000 == 0 ? bits / 1000 + " kbit/s" : bits + " bit/s";
    }

    // ---- reading the JSON tree ----

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o, String what) throws IOException {
        if (!(o instanceof Map)) {
            throw new IOException("expected an object for " + what);
        }
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o, String what) throws IOException {
        if (!(o instanceof List)) {
            throw new IOException("expected an array \"" + what + "\"");
        }
        return (List<Object>) o;
    }

    private static String text(Map<String, Object> o, String key) throws IOException {
        if (!(o.get(key) instanceof String)) {
            throw new IOException("expected a string \"" + key + "\" in " + o);
        }
        return (String) o.get(key);
    }

    private static double number(Map<String, Object> o, String key) throws IOException {
        if (!(o.get(key) instanceof Double)) {
            throw new IOException("expected a number \"" + key + "\" in " + o);
        }
        return (Double) o.get(key);
    }

    /** A minimal JSON reader: objects become maps (in order), arrays lists, numbers doubles. */
    static final class Json {
        private final String s;
        private int i;

        private Json(String s) {
            this.s = s;
        }

        static Object parse(String text) {
            Json j = new Json(text);
            Object v = j.value();
            j.space();
            if (j.i != j.s.length()) {
                throw j.error("text after the value");
            }
            return v;
        }

        private Object value() {
            space();
            if (i >= s.length()) {
                throw error("unexpected end");
            }
            char c = s.charAt(i);
            if (c == '{') {
                return object();
            } else if (c == '[') {
                return array();
            } else if (c == '"') {
                return string();
            } else if (s.startsWith("true", i)) {
                i += 4;
                return Boolean.TRUE;
            } else if (s.startsWith("false", i)) {
                i += 5;
                return Boolean.FALSE;
            } else if (s.startsWith("null", i)) {
                i += 4;
                return null;
            }
            return number();
        }

        private Map<String, Object> object() {
            Map<String, Object> m = new LinkedHashMap<>();
            i++;
            space();
            if (peek() == '}') {
                i++;
                return m;
            }
            while (true) {
                space();
                if (peek() != '"') {
                    throw error("expected a key");
                }
                String key = string();
                space();
                expect(':');
                m.put(key, value());
                space();
                if (peek() == ',') {
                    i++;
                } else {
                    expect('}');
                    return m;
                }
            }
        }

        private List<Object> array() {
            List<Object> l = new ArrayList<>();
            i++;
            space();
            if (peek() == ']') {
                i++;
                return l;
            }
            while (true) {
                l.add(value());
                space();
                if (peek() == ',') {
                    i++;
                } else {
                    expect(']');
                    return l;
                }
            }
        }

        private String string() {
            StringBuilder b = new StringBuilder();
            i++;
            while (true) {
                if (i >= s.length()) {
                    throw error("unterminated string");
                }
                char c = s.charAt(i++);
                if (c == '"') {
                    return b.toString();
                }
                if (c != '\\') {
                    b.append(c);
                    continue;
                }
                char e = i < s.length() ? s.charAt(i++) : '?';
                switch (e) {
                    case 'n' -> b.append('\n');
                    case 't' -> b.append('\t');
                    case 'r' -> b.append('\r');
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'u' -> {
                        if (i + 4 > s.length()) {
                            throw error("bad \\u escape");
                        }
                        b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        i += 4;
                    }
                    default -> b.append(e);
                }
            }
        }

        private Double number() {
            int start = i;
            while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
                i++;
            }
            try {
                return Double.parseDouble(s.substring(start, i));
            } catch (NumberFormatException e) {
                throw error("expected a value");
            }
        }

        private void space() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        private char peek() {
            return i < s.length() ? s.charAt(i) : '\0';
        }

        private void expect(char c) {
            if (peek() != c) {
                throw error("expected '" + c + "'");
            }
            i++;
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException("bad JSON at character " + i + ": " + what);
        }
    }
}
