package io.mptcp4j.samples;

import io.mptcp4j.io.linux.InsufficientPrivilegesException;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code mptcp} command: one entry point with subcommands, each parsing its own options.
 *
 * <p>Exit status: 0 on success, 1 when the work failed (with a message on standard error), 2 for bad arguments.
 */
public final class Mptcp {

    private Mptcp() {
    }

    /** A subcommand: a name, a one-line summary, and the code that runs it. */
    interface Command {
        String name();

        String summary();

        int run(List<String> args) throws Exception;
    }

    static final List<Command> COMMANDS = List.of(new HandshakeDemo(), new Bench(), new Cat(), new Perf());

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
            usage();
            return args.length == 0 ? 2 : 0;
        }
        for (Command command : COMMANDS) {
            if (command.name().equals(args[0])) {
                try {
                    return command.run(Arrays.asList(args).subList(1, args.length));
                } catch (UsageException e) {
                    System.err.println("mptcp " + command.name() + ": " + e.getMessage());
                    return 2;
                } catch (InsufficientPrivilegesException e) {
                    System.err.println("mptcp " + command.name() + ": " + e.getMessage()
                            + " (run as root, e.g. with sudo)");
                    return 1;
                } catch (Exception e) {
                    System.err.println("mptcp " + command.name() + ": " + e);
                    return 1;
                }
            }
        }
        System.err.println("mptcp: unknown command '" + args[0] + "'");
        usage();
        return 2;
    }

    private static void usage() {
        System.err.println("usage: mptcp COMMAND [OPTIONS]");
        System.err.println("commands:");
        for (Command command : COMMANDS) {
            System.err.printf("  %-10s %s%n", command.name(), command.summary());
        }
    }

    /** Bad command-line arguments: reported with exit status 2. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}
