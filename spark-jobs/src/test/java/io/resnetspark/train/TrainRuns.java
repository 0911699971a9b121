package io.resnetspark.train;

import io.resnetspark.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs {@code train} through the CLI in-process, with the small settings the tests share. */
public final class TrainRuns {
    private TrainRuns() {
    }

    public record Outcome(int code, String out, String err) {
    }

    /** A small ResNet-20 with Adam: learns the synthetic quadrant data in a few epochs. */
    public static List<String> args(Path data, Path run, int epochs, List<String> spark, String... more) {
        List<String> a = new ArrayList<>(List.of("train", "--debug", "--data", data.toString(), "--run", run.toString(),
                "--model", "resnet20", "--epochs", Integer.toString(epochs),
                "--set", "train.optimizer.name=adam", "--set", "train.optimizer.lr=0.003",
                "--set", "train.optimizer.weight-decay=0", "--set", "train.schedule.name=constant",
                "--set", "train.averaging.frequency=2", "--set", "train.averaging.prefetch=0"));
        a.addAll(spark);
        a.addAll(List.of(more));
        return a;
    }

    public static Outcome cli(List<String> args) {
        PrintStream oldOut = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            int code = Main.run(args.toArray(String[]::new), new PrintStream(err, true, StandardCharsets.UTF_8));
            return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.out.print(out.toString(StandardCharsets.UTF_8));
            System.out.print(err.toString(StandardCharsets.UTF_8));
        }
    }
}
