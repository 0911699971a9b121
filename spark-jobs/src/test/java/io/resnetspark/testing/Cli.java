package io.resnetspark.testing;

import io.resnetspark.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs the resnet-spark command line in-process, as a user would run it, and captures what it printed. */
public final class Cli {
    private Cli() {
    }

    /** What one command line did. */
    public record Outcome(int code, String out, String err) {
    }

    public static synchronized Outcome run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        // stages print progress to System.err: capture it with the error messages, as a terminal shows both
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(errStream);
            int code = Main.run(args, errStream);
            return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /** The same as {exit code, stdout, stderr}, for terse assertions. */
    public static String[] strings(String... args) {
        Outcome o = run(args);
        return new String[] {Integer.toString(o.code()), o.out(), o.err()};
    }
}
