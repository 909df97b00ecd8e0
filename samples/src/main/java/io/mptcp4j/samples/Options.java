package io.mptcp4j.samples;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Strict {@code --name value} option parsing for subcommands: every option must be known, given once and have a
 * value; anything else is a {@link Mptcp.UsageException} (exit status 2) naming the problem.
 */
final class Options {

    private final String command;
    private final Map<String, String> values;

    private Options(String command, Map<String, String> values) {
        this.command = command;
        this.values = values;
    }

    /** Parses {@code args} against the option names {@code known} (without the leading dashes). */
    static Options parse(String command, List<String> args, Set<String> known) throws Mptcp.UsageException {
        return parse(command, args, known, Set.of());
    }

    /**
     * Parses {@code args} against the options {@code known}, which take a value, and the {@code flags}, which take
     * none (a flag given has the value {@code "true"}; see {@link #flag}).
     */
    static Options parse(String command, List<String> args, Set<String> known, Set<String> flags)
            throws Mptcp.UsageException {
        Set<String> all = new java.util.HashSet<>(known);
        all.addAll(flags);
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new Mptcp.UsageException("unexpected argument '" + arg + "'; options: " + names(all));
            }
            String name = arg.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (!all.contains(name)) {
                throw new Mptcp.UsageException("unknown option --" + name + "; options: " + names(all));
            }
            if (flags.contains(name)) {
                if (value != null) {
                    throw new Mptcp.UsageException("option --" + name + " takes no value");
                }
                value = "true";
            } else if (value == null) {
                if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
                    throw new Mptcp.UsageException("option --" + name + " needs a value");
                }
                value = args.get(++i);
            }
            if (values.put(name, value) != null) {
                throw new Mptcp.UsageException("option --" + name + " given twice");
            }
        }
        return new Options(command, values);
    }

    /** The option names of several groups together (a command's own and those it shares with others). */
    @SafeVarargs
    static Set<String> union(Set<String>... groups) {
        Set<String> all = new java.util.HashSet<>();
        for (Set<String> g : groups) {
            all.addAll(g);
        }
        return Set.copyOf(all);
    }

    /** Whether the flag (or option) {@code name} was given. */
    boolean flag(String name) {
        return values.containsKey(name);
    }

    /** The option's value, or {@code fallback} if it was not given. */
    String text(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    /** The option's value as an integer within {@code [min, max]}, or {@code fallback}. */
    int integer(String name, int fallback, int min, int max) throws Mptcp.UsageException {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) {
                throw new Mptcp.UsageException("--" + name + " must be between " + min + " and " + max + ", got " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new Mptcp.UsageException("--" + name + " must be an integer, got '" + v + "'");
        }
    }

    /** The option's value as a number within {@code [min, max]} (like {@code 2} or {@code 0.5}), or {@code fallback}. */
    double decimal(String name, double fallback, double min, double max) throws Mptcp.UsageException {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        double n;
        try {
            n = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new Mptcp.UsageException("--" + name + " must be a number, got '" + v + "'");
        }
        if (!(n >= min && n <= max)) { // also refuses NaN
            throw new Mptcp.UsageException("--" + name + " must be between " + plain(min) + " and " + plain(max)
                    + ", got " + v);
        }
        return n;
    }

    /**
     * The option's value as a byte count within {@code [min, max]}: a whole number, optionally with the binary
     * suffix {@code K}, {@code M} or {@code G} (KiB, MiB, GiB, as iperf reads them); or {@code fallback}.
     */
    long byteCount(String name, long fallback, long min, long max) throws Mptcp.UsageException {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        String digits = v;
        int shift = 0;
        char last = v.isEmpty() ? ' ' : Character.toUpperCase(v.charAt(v.length() - 1));
        if (last == 'K' || last == 'M' || last == 'G') {
            shift = last == 'K' ? 10 : last == 'M' ? 20 : 30;
            digits = v.substring(0, v.length() - 1);
        }
        long n;
        try {
            n = Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new Mptcp.UsageException("--" + name + " must be a byte count like 1000000, 512K, 100M or 2G, got '"
                    + v + "'");
        }
        if (n < 0 || n > max >> shift || n << shift < min) { // n <= max >> shift: the shift cannot overflow
            throw new Mptcp.UsageException("--" + name + " must be between " + min + " and " + max + " bytes, got "
                    + v);
        }
        return n << shift;
    }

    private static String plain(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    /** The option's value, which must be one of {@code choices}, or {@code fallback}. */
    String choice(String name, String fallback, List<String> choices) throws Mptcp.UsageException {
        String v = values.getOrDefault(name, fallback);
        if (!choices.contains(v)) {
            throw new Mptcp.UsageException("--" + name + " must be one of " + choices + ", got '" + v + "'");
        }
        return v;
    }

    /**
     * A rate in bits per second, given for option {@code name}, from {@code 50mbit}, {@code 1gbit},
     * {@code 800kbit} or {@code 1000000bit}; {@code none} (no shaping) gives 0.
     */
    static long parseRate(String name, String value) throws Mptcp.UsageException {
        String v = value.toLowerCase(java.util.Locale.ROOT);
        if (v.equals("none")) {
            return 0;
        }
        long unit;
        String number;
        if (v.endsWith("gbit")) {
            unit = 1_000_000_000L;
            number = v.substring(0, v.length() - 4);
        } else if (v.endsWith("mbit")) {
            unit = 1_000_000L;
            number = v.substring(0, v.length() - 4);
        } else if (v.endsWith("kbit")) {
            unit = 1_000L;
            number = v.substring(0, v.length() - 4);
        } else if (v.endsWith("bit")) {
            unit = 1;
            number = v.substring(0, v.length() - 3);
        } else {
            throw new Mptcp.UsageException("--" + name + " must be a rate like 50mbit, 1gbit or none, got '" + v + "'");
        }
        try {
            double rate = Double.parseDouble(number) * unit;
            if (!(rate >= 8_000 && rate <= 100e9)) {
                throw new Mptcp.UsageException("--" + name + " must be between 8kbit and 100gbit, got '" + v + "'");
            }
            return (long) rate;
        } catch (NumberFormatException e) {
            throw new Mptcp.UsageException("--" + name + " must be a rate like 50mbit, 1gbit or none, got '" + v + "'");
        }
    }

    @Override
    public String toString() {
        return command + " " + values;
    }

    private static String names(Set<String> known) {
        return known.stream().sorted().map(n -> "--" + n).toList().toString();
    }
}
