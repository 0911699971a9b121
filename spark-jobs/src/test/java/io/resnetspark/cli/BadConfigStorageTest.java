package io.resnetspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.resnetspark.testing.Cli;
import io.resnetspark.testing.LearnableImages;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad configuration and unreachable storage end in one sentence naming what and where, a non-zero exit
 * and no stack trace (unless --debug), before any stage does work.
 */
class BadConfigStorageTest {
    @TempDir
    Path dir;

    static void oneSentence(Cli.Outcome r, String... mustContain) {
        String err = r.err().strip();
        assertEquals(Main.USAGE, r.code(), r.err());
        assertTrue(err.startsWith("error: "), err);
        assertEquals(1, err.lines().count(), "one line, no stack trace: " + err);
        assertFalse(err.contains("\tat ") || err.contains("Exception:"), err);
        for (String m : mustContain) {
            assertTrue(err.contains(m), "'" + m + "' in: " + err);
        }
    }

    private Cli.Outcome pipeline(Path root, String... extra) {
        List<String> args = new ArrayList<>(List.of("pipeline", "--set", "spark.master=local[1]",
                "--set", "pipeline.root=" + root, "--set", "prepare.source=" + dir.resolve("images"),
                "--set", "prepare.size=16", "--set", "model.name=resnet20", "--set", "train.epochs=1"));
        args.addAll(List.of(extra));
        return Cli.run(args.toArray(new String[0]));
    }

    @Test
    void pipelineChecksEveryStageBeforePrepareRuns() throws Exception {
        LearnableImages.write(dir.resolve("images"), 4);
        Path root = dir.resolve("root");
        String[][] cases = {
            {"evaluate.misclassified", "evaluate.misclassified=-1"},
            {"evaluate.time-to-accuracy", "evaluate.time-to-accuracy=0.9,high"},
            {"evaluate.split", "evaluate.split=a/b"},
            {"export.overwrite", "export.overwrite=maybe"},
            {"train.optimizer.name", "train.optimizer.name=rmsprop"},
            {"train.averaging.frequency", "train.averaging.frequency=0"},
            {"model.name", "model.name=resnet19"},
            {"model.shortcut", "model.shortcut=D"},
            {"model.dropout", "model.dropout=1.5"},
        };
        for (String[] c : cases) {
            Cli.Outcome r = pipeline(root, "--set", c[1]);
            oneSentence(r, "'" + c[0] + "'");
            assertFalse(r.err().contains("== pipeline: prepare"), "failed before prepare started: " + r.err());
            assertFalse(Files.exists(root), c[1] + ": nothing was written under the pipeline root");
        }
        // a stage that will not run is not held to its settings
        Cli.Outcome onlyPrepare = pipeline(root, "--set", "pipeline.stages=[prepare]", "--set",
                "evaluate.misclassified=-1", "--set", "spark.conf.\"spark.ui.enabled\"=false");
        assertEquals(0, onlyPrepare.code(), onlyPrepare.err());
        assertTrue(Files.exists(root.resolve("data/manifest.json")));
        // --debug adds the stack trace
        Cli.Outcome debug = pipeline(dir.resolve("root2"), "--set", "model.name=resnet19", "--debug");
        assertEquals(Main.USAGE, debug.code());
        assertTrue(debug.err().contains("\tat "), debug.err());
    }

    @Test
    void unknownKeysAndBadTypesInEveryCommandNameTheKey() {
        String[][] cases = {
            {"evaluate", "evaluate.misclasified=3", "did you mean 'evaluate.misclassified'"},
            {"predict", "predict.topk=3", "did you mean 'predict.top-k'"},
            {"export", "export.too=x", "did you mean 'export.to'"},
            {"train", "train.optimiser.lr=1", "did you mean 'train.optimizer.lr'"},
            {"predict", "predict.top-k=three", "'predict.top-k' must be a number"},
            {"evaluate", "s3.connection-timeout=soon", "'s3.connection-timeout'"},
        };
        for (String[] c : cases) {
            Cli.Outcome r = Cli.run(c[0], "--set", c[1]);
            oneSentence(r, c[2]);
        }
    }

    /** A port nothing listens on: bound and released at once. */
    static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    @Timeout(180)
    void unreachableEndpointIsOneSentenceNamingTheEndpoint() throws Exception {
        String endpoint = "http://127.0.0.1:" + closedPort();
        String[] fast = {"--set", "s3.endpoint=" + endpoint, "--set", "s3.path-style-access=true",
            "--set", "s3.attempts=1", "--set", "s3.retry-interval=10ms", "--set", "s3.connection-timeout=2s",
            "--set", "hadoop.\"fs.s3a.access.key\"=AKIDUNREACHABLE1", "--set",
            "hadoop.\"fs.s3a.secret.key\"=unreachable-secret-0042", "--set", "spark.master=local[1]"};
        List<String[]> commands = List.of(
            new String[] {"evaluate", "--model", "s3a://nobucket/m.zip", "--data", "s3a://nobucket/d", "--out",
                "s3a://nobucket/e"},
            new String[] {"prepare", "--source", "s3a://nobucket/images", "--out", dir.resolve("p").toString()},
            new String[] {"export", "--model", "s3a://nobucket/m.zip", "--to", dir.resolve("models/m/1").toString()});
        for (String[] cmd : commands) {
            List<String> args = new ArrayList<>(List.of(cmd));
            args.addAll(List.of(fast));
            Cli.Outcome r = Cli.run(args.toArray(new String[0]));
            oneSentence(r, "s3a://nobucket", "127.0.0.1");
            assertFalse(r.err().contains("unreachable-secret-0042") || r.err().contains("AKIDUNREACHABLE1"), r.err());
        }
    }

    @Test
    @Timeout(180)
    void missingCredentialsAreOneSentence() throws Exception {
        // a live endpoint (the closed port would fail for another reason first) and no keys anywhere:
        // not in the config, not in the environment of this JVM
        assertTrue(System.getenv("AWS_ACCESS_KEY_ID") == null, "the test JVM must not carry AWS keys");
        try (io.resnetspark.testing.S3Server s3 = new io.resnetspark.testing.S3Server()) {
            String bucket = s3.bucket("nokeys");
            Cli.Outcome r = Cli.run("evaluate", "--model", bucket + "/m.zip", "--data", bucket + "/d", "--out",
                    bucket + "/e", "--set", "s3.endpoint=" + s3.endpoint(), "--set", "s3.path-style-access=true",
                    "--set", "s3.attempts=1", "--set", "s3.connection-timeout=2s",
                    "--set", "spark.master=local[1]");
            oneSentence(r, "s3a://nokeys", "credentials");
        }
    }
}
