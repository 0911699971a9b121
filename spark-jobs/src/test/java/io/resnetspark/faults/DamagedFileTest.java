package io.resnetspark.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.resnetspark.storage.Storage;
import io.resnetspark.testing.S3Server;
import io.resnetspark.testing.SparkClusters;
import io.resnetspark.testing.SyntheticData;
import io.resnetspark.train.TrainRuns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A minibatch file whose bytes changed after prepare (same length, a few KiB garbled, as a bad disk or a botched
 * copy leaves it). Without a checksum of its own, training on s3a:// (no .crc beside objects) would go on with
 * garbage, and on file:// Hadoop's .crc stopped it with a page of DL4J's stack trace. Now every reader checks the
 * manifest's CRC32C and the driver prints one sentence naming the file; train.on-bad-file = skip leaves it out.
 */
class DamagedFileTest {
    static final String DAMAGED = "train/part-00002.bin";

    @TempDir
    Path tmp;

    /** Same length, a run of bytes in the middle of the pixels flipped. */
    static void damage(Path file) throws Exception {
        byte[] b = Files.readAllBytes(file);
        for (int i = 1000; i < Math.min(b.length - 100, 1000 + 4096); i++) {
            b[i] ^= 0x5A;
        }
        Files.write(file, b);
    }

    /** The train command line without --debug: what a user sees. */
    static List<String> args(String data, Path run, String... more) {
        List<String> a = new ArrayList<>(TrainRuns.args(Path.of("DATA"), run, 1, SparkClusters.localSets(2), more));
        a.remove("--debug");
        a.set(a.indexOf("DATA"), data);
        return a;
    }

    static String errorLine(TrainRuns.Outcome r) {
        List<String> errors = r.err().lines().filter(l -> l.startsWith("error: ")).toList();
        assertEquals(1, errors.size(), "one error sentence: " + r.err());
        assertFalse(r.err().contains("\tat ") || r.err().contains("Job aborted"), "no stack trace: " + r.err());
        return errors.get(0);
    }

    @Test
    void aDamagedFileStopsTrainingWithOneSentenceNamingIt() throws Exception {
        // no checksum beside the file (as on s3a://). Read on the task's own thread (TrainRuns turns DL4J's
        // prefetch off): with prefetch on, DL4J's AsyncDataSetIterator can lose the loader's exception when its
        // consumer is already waiting (it records the error but never wakes the consumer), and only
        // train.stall-timeout ends that wait
        Path data = SyntheticData.write(tmp.resolve("plain"), 1, 16, 32, 6, 2, 11);
        damage(data.resolve(DAMAGED));
        TrainRuns.Outcome r = TrainRuns.cli(args(data.toString(), tmp.resolve("run-plain")));
        assertEquals(2, r.code(), r.err());
        String error = errorLine(r);
        assertTrue(error.contains(DAMAGED) && error.contains("is damaged") && error.contains("CRC32C")
                && error.contains("train.on-bad-file = skip") && error.contains("--resume"), error);

        // Hadoop's own checksum beside it (file://): the same one sentence
        Path crc = SyntheticData.write(tmp.resolve("crc"), 1, 16, 32, 6, 2, 11);
        Path file = crc.resolve(DAMAGED);
        new Storage(new Configuration()).writeBytes(Storage.path(file.toString()), Files.readAllBytes(file));
        assertTrue(Files.exists(file.resolveSibling(".part-00002.bin.crc")), "Hadoop wrote its .crc");
        damage(file);
        TrainRuns.Outcome c = TrainRuns.cli(args(crc.toString(), tmp.resolve("run-crc")));
        assertEquals(2, c.code(), c.err());
        String sidecar = errorLine(c);
        assertTrue(sidecar.contains(DAMAGED) && sidecar.contains("is damaged"), sidecar);
    }

    @Test
    void skipLeavesTheFileOutAndNamesItInTheLogAndTheMetrics() throws Exception {
        Path data = SyntheticData.write(tmp.resolve("data"), 1, 16, 32, 6, 2, 11);
        damage(data.resolve(DAMAGED));
        Path run = tmp.resolve("run");
        // the stages write their progress to System.err, which TrainRuns leaves alone
        java.io.PrintStream stderr = System.err;
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        TrainRuns.Outcome r;
        try {
            System.setErr(new java.io.PrintStream(log, true, java.nio.charset.StandardCharsets.UTF_8));
            r = TrainRuns.cli(args(data.toString(), run, "--set", "train.on-bad-file=skip"));
        } finally {
            System.setErr(stderr);
        }
        String console = log.toString(java.nio.charset.StandardCharsets.UTF_8);
        stderr.print(console);
        assertEquals(0, r.code(), r.err() + console);
        assertTrue(console.contains("leaving out minibatch file") && console.contains(DAMAGED), console);
        List<Map<String, Object>> metrics = SyntheticData.metrics(run);
        assertEquals(1, metrics.size());
        @SuppressWarnings("unchecked")
        List<String> skipped = (List<String>) metrics.get(0).get("skipped_files");
        assertEquals(1, skipped.size(), metrics.get(0).toString());
        assertTrue(skipped.get(0).endsWith(DAMAGED), skipped.toString());
        assertTrue(Files.exists(run.resolve("_SUCCESS")));
    }

    @Test
    void onS3TheManifestsChecksumCatchesWhatNothingElseWould() throws Exception {
        Path data = SyntheticData.write(tmp.resolve("s3-data"), 1, 16, 32, 6, 2, 11);
        try (S3Server s3 = new S3Server()) {
            String bucket = "damaged";
            String root = s3.bucket(bucket);
            List<Path> files;
            try (Stream<Path> walk = Files.walk(data)) {
                files = walk.filter(Files::isRegularFile).toList();
            }
            for (Path f : files) {
                s3.client().putObject(bucket, "data/" + data.relativize(f), f.toFile());
            }
            damage(s3.file(bucket, "data/" + DAMAGED));
            List<String> a = args(root + "/data", tmp.resolve("run-s3"));
            for (String set : s3.cliSets()) {
                a.add("--set");
                a.add(set);
            }
            TrainRuns.Outcome r = TrainRuns.cli(a);
            assertEquals(2, r.code(), r.err());
            String error = errorLine(r);
            assertTrue(error.contains("s3a://" + bucket + "/data/" + DAMAGED) && error.contains("CRC32C"), error);
        }
    }
}
