package dev.loomwire.cli;

import java.io.PrintStream;
import java.util.Arrays;

/**
 * Command-line entry point of the loomwire jar ({@code java -jar loomwire.jar probe ...}): dispatches
 * sub-commands. The only place in loomwire that prints to stdout and stderr.
 */
public final class Main {
    private Main() {}

    /** Runs the command and exits the JVM with its exit code. */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs a command in-process.
     *
     * @return the exit code: 0 success, 1 the probed connection would fail, 2 usage error
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help") || args[0].equals("help")) {
            (args.length == 0 ? err : out).print("usage: loomwire probe ...\n\n" + ProbeCommand.USAGE);
            return args.length == 0 ? 2 : 0;
        }
        if (args[0].equals("probe")) {
            return ProbeCommand.run(Arrays.copyOfRange(args, 1, args.length), out, err);
        }
        err.println("loomwire: unknown command \"" + args[0] + "\" (available: probe)");
        return 2;
    }
}
