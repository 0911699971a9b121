package io.resnetspark.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.s3.model.S3ObjectSummary;
import io.resnetspark.data.Manifest;
import io.resnetspark.eval.SyntheticRun;
import io.resnetspark.model.ModelStore;
import io.resnetspark.model.Optimization;
import io.resnetspark.model.ResNetBuilder;
import io.resnetspark.storage.Storage;
import io.resnetspark.testing.Cli;
import io.resnetspark.testing.LearnableImages;
import io.resnetspark.testing.Outage;
import io.resnetspark.testing.S3Server;
import io.resnetspark.testing.SparkClusters;
import io.resnetspark.testing.SyntheticData;
import io.resnetspark.train.TrainRuns;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The S3 endpoint goes away in the middle of prepare, of a checkpoint write and of an export. Briefly
 * (within the retry budget of the default {@code s3.*} settings): the stage completes and every file it
 * committed has the right checksum. For longer than the budget: the stage fails with one sentence,
 * nothing looks committed, and the same command completes once the endpoint is back.
 * Every test has a bucket of its own: Hadoop caches one S3A client per bucket, with the retry settings
 * of its first use.
 */
class S3OutageTest {
    /** Long enough that one failed request is certain, short enough for the default retry budget. */
    static final long SHORT_OUTAGE_MS = 4000;

    @TempDir
    static Path tmp;
    static S3Server s3;
    static Path data;
    static Path model;

    @BeforeAll
    static void start() throws Exception {
        s3 = new S3Server();
        data = SyntheticData.write(tmp.resolve("data"), 1, 16, 32, 4, 2, 11);
        model = tmp.resolve("model.zip");
        Files.write(model, SyntheticRun.save(ResNetBuilder.build(SyntheticRun.options(), Optimization.defaults()),
                SyntheticRun.metadata("file:/data", "file:/run", "k", "s")));
    }

    @AfterAll
    static void stop() {
        if (s3 != null) {
            s3.close();
        }
    }

    /** The server's settings without its test-only retry overrides, so the {@code s3.*} keys decide. */
    static List<String> s3Sets(String... more) {
        List<String> a = new ArrayList<>();
        for (String set : s3.cliSets()) {
            if (!set.contains("attempts") && !set.contains("retry")) {
                a.add("--set");
                a.add(set);
            }
        }
        for (String m : more) {
            a.add("--set");
            a.add(m);
        }
        return a;
    }

    /** Settings that give up after about a second: used for the outage longer than the retry budget. */
    static List<String> impatient() {
        return s3Sets("s3.attempts=1", "s3.retry-interval=100ms");
    }

    static Cli.Outcome cli(List<String> base, List<String> sets) {
        List<String> a = new ArrayList<>(base);
        a.addAll(sets);
        return Cli.run(a.toArray(String[]::new));
    }

    static Map<String, byte[]> objects(String bucket, String prefix) throws Exception {
        Map<String, byte[]> out = new TreeMap<>();
        for (S3ObjectSummary o : s3.client().listObjectsV2(bucket, prefix).getObjectSummaries()) {
            String key = o.getKey().substring(prefix.length());
            if (key.isEmpty() || key.endsWith("/")) {
                continue; // a directory marker, not a file
            }
            out.put(key,
                    s3.client().getObject(bucket, o.getKey()).getObjectContent().readAllBytes());
        }
        return out;
    }

    /** Every file SHA256SUMS lists is there with that checksum, and model.zip is the exported model. */
    static void assertExportIntact(String bucket, String prefix) throws Exception {
        Map<String, byte[]> files = objects(bucket, prefix);
        assertTrue(files.containsKey("_SUCCESS"), files.keySet().toString());
        String sums = new String(files.get("SHA256SUMS"), StandardCharsets.UTF_8);
        List<String> listed = new ArrayList<>();
        for (String line : sums.split("\n")) {
            String[] parts = line.split("  ", 2);
            listed.add(parts[1]);
            assertEquals(parts[0], Storage.sha256(files.get(parts[1])), parts[1]);
        }
        assertEquals(List.of("model.zip", "model.onnx", "classes.json", "model-card.json"), listed);
        assertEquals(Storage.sha256(Files.readAllBytes(model)), Storage.sha256(files.get("model.zip")));
        assertEquals(List.of("SHA256SUMS", "_SUCCESS", "classes.json", "model-card.json", "model.onnx", "model.zip"),
                new ArrayList<>(files.keySet()), "no temporaries left beside the committed files");
    }

    @Test
    void exportRidesOutAShortOutage() throws Exception {
        String bucket = "export-short";
        String to = s3.bucket(bucket) + "/models/m/1";
        Cli.Outcome r;
        try (Outage outage = Outage.of(s3, () -> s3.stored(bucket, "models/m/1/model.zip"), SHORT_OUTAGE_MS)) {
            r = cli(List.of("export", "--model", model.toString(), "--to", to), s3Sets());
            assertTrue(outage.happened(), "the server must have gone down during the export");
        }
        assertEquals(0, r.code(), r.err());
        assertExportIntact(bucket, "models/m/1/");
    }

    @Test
    void exportOutlastingTheRetriesFailsClearlyAndTheRerunCompletes() throws Exception {
        String bucket = "export-long";
        String to = s3.bucket(bucket) + "/models/m/1";
        Cli.Outcome failed;
        try (Outage outage = Outage.untilEnded(s3, () -> s3.stored(bucket, "models/m/1/model.zip"))) {
            failed = cli(List.of("export", "--model", model.toString(), "--to", to), impatient());
            assertTrue(outage.happened());
            outage.end();
        }
        assertEquals(2, failed.code(), failed.err());
        assertOneSentence(failed.err(), to);
        Map<String, byte[]> left = objects(bucket, "models/m/1/");
        assertFalse(left.containsKey("_SUCCESS"), "an export that failed must not look committed: " + left.keySet());

        Cli.Outcome rerun = cli(List.of("export", "--model", model.toString(), "--to", to), impatient());
        assertEquals(0, rerun.code(), rerun.err());
        assertTrue(rerun.out().contains("interrupted export"), rerun.out());
        assertExportIntact(bucket, "models/m/1/");
    }

    /** "error: <one line naming the place>" and nothing else: no stack trace without --debug. */
    static void assertOneSentence(String err, String where) {
        List<String> errors = err.lines().filter(l -> l.startsWith("error: ")).toList();
        assertEquals(1, errors.size(), err);
        assertTrue(errors.get(0).contains(where), errors.get(0));
        assertFalse(err.contains("\tat "), "no stack trace without --debug: " + err);
    }

    static List<String> train(String run, int epochs, String... more) {
        List<String> a = new ArrayList<>(TrainRuns.args(data, Path.of("unused"), epochs, SparkClusters.localSets(2)));
        a.remove("--debug");
        a.set(a.indexOf("--run") + 1, run);
        a.addAll(List.of(more));
        return a;
    }

    static List<Integer> epochs(String bucket, String run) throws Exception {
        byte[] metrics = s3.client().getObject(bucket, run + "/metrics.jsonl").getObjectContent().readAllBytes();
        List<Integer> out = new ArrayList<>();
        for (String line : new String(metrics, StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                out.add(((Number) ModelStore.JSON.readValue(line, Map.class).get("epoch")).intValue());
            }
        }
        return out;
    }

    /** Each checkpoint loads; last.zip is the newest epoch's and best.zip the best epoch's, byte for byte. */
    static void assertCheckpointsIntact(String bucket, String run, int epochs) throws Exception {
        Map<String, byte[]> files = objects(bucket, run + "/");
        for (int e = 1; e <= epochs; e++) {
            String name = String.format("checkpoints/epoch-%03d.zip", e);
            assertTrue(files.containsKey(name), files.keySet().toString());
            ModelStore.Loaded l = ModelStore.load(new ByteArrayInputStream(files.get(name)), name, true);
            assertEquals(e, ((Number) l.metadata().training().get("epoch")).intValue());
        }
        String newest = String.format("checkpoints/epoch-%03d.zip", epochs);
        assertEquals(Storage.sha256(files.get(newest)), Storage.sha256(files.get("last.zip")), "last.zip");
        String best = Storage.sha256(files.get("best.zip"));
        assertTrue(files.entrySet().stream().anyMatch(f -> f.getKey().startsWith("checkpoints/")
                && Storage.sha256(f.getValue()).equals(best)), "best.zip must be one of the checkpoints");
        assertFalse(files.keySet().stream().anyMatch(k -> k.contains(".tmp-")), "temporaries: " + files.keySet());
    }

    @Test
    void aCheckpointWriteRidesOutAShortOutage() throws Exception {
        String bucket = "checkpoint-short";
        String run = s3.bucket(bucket) + "/runs/r";
        TrainRuns.Outcome r;
        try (Outage outage = Outage.of(s3, () -> s3.stored(bucket, "runs/r/checkpoints/epoch-001.zip"),
                SHORT_OUTAGE_MS)) {
            r = TrainRuns.cli(concat(train(run, 2), s3Sets()));
            assertTrue(outage.happened(), "the server must have gone down during the checkpoint write");
        }
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of(1, 2), epochs(bucket, "runs/r"));
        assertTrue(s3.stored(bucket, "runs/r/_SUCCESS"));
        assertCheckpointsIntact(bucket, "runs/r", 2);
    }

    @Test
    void aCheckpointWriteOutlastingTheRetriesFailsClearlyAndResumeCompletes() throws Exception {
        String bucket = "checkpoint-long";
        String run = s3.bucket(bucket) + "/runs/r";
        TrainRuns.Outcome failed;
        // down as soon as epoch 1's own checkpoint is in: its best.zip and last.zip cannot be written
        try (Outage outage = Outage.untilEnded(s3, () -> s3.stored(bucket, "runs/r/checkpoints/epoch-001.zip"))) {
            failed = TrainRuns.cli(concat(train(run, 2), impatient()));
            assertTrue(outage.happened());
            outage.end();
        }
        assertEquals(2, failed.code(), failed.err());
        assertOneSentence(failed.err(), run);
        assertFalse(s3.stored(bucket, "runs/r/_SUCCESS"));
        assertFalse(s3.stored(bucket, "runs/r/checkpoints/epoch-002.zip"));

        TrainRuns.Outcome resumed = TrainRuns.cli(concat(train(run, 2, "--resume"), impatient()));
        assertEquals(0, resumed.code(), resumed.err());
        assertEquals(List.of(1, 2), epochs(bucket, "runs/r"));
        assertTrue(s3.stored(bucket, "runs/r/_SUCCESS"));
        assertCheckpointsIntact(bucket, "runs/r", 2);
    }

    static List<String> prepare(Path source, String out) {
        return new ArrayList<>(List.of("prepare", "--source", source.toString(), "--out", out, "--format",
                "imagefolder", "--size", "20", "--batch", "4", "--val-fraction", "0.2", "--test-fraction", "0.2",
                "--set", "spark.master=local[2]", "--set", "spark.conf.\"spark.ui.enabled\"=false",
                "--set", "spark.conf.\"spark.driver.host\"=127.0.0.1"));
    }

    /** The prepared files on S3 are byte for byte those of the same prepare on the local disk. */
    static void assertPreparedLikeLocal(Path local, String bucket, String prefix) throws Exception {
        Map<String, byte[]> remote = objects(bucket, prefix);
        assertTrue(remote.containsKey(Manifest.FILE), remote.keySet().toString());
        int files = 0;
        try (Stream<Path> walk = Files.walk(local)) {
            for (Path p : walk.filter(f -> f.getFileName().toString().endsWith(".bin")).toList()) {
                String key = local.relativize(p).toString().replace('\\', '/');
                assertTrue(remote.containsKey(key), key + " missing; there: " + remote.keySet());
                assertEquals(Storage.sha256(Files.readAllBytes(p)), Storage.sha256(remote.get(key)), key);
                files++;
            }
        }
        assertTrue(files > 5, "a few minibatch files at least: " + files);
        assertEquals(files + 1, remote.size(), "only minibatches and the manifest: " + remote.keySet());
        Manifest lm = ModelStore.JSON.readValue(Files.readAllBytes(local.resolve(Manifest.FILE)), Manifest.class);
        Manifest rm = ModelStore.JSON.readValue(remote.get(Manifest.FILE), Manifest.class);
        assertEquals(lm.splits(), rm.splits());
    }

    @Test
    void prepareRidesOutAShortOutageAndFailsClearlyOnALongOne() throws Exception {
        Path source = tmp.resolve("images");
        LearnableImages.write(source, 24);
        Path local = tmp.resolve("prepared-local");
        Cli.Outcome l = cli(prepare(source, local.toString()), List.of());
        assertEquals(0, l.code(), l.err());

        String bucket = "prepare-outage";
        String root = s3.bucket(bucket);
        Cli.Outcome r;
        try (Outage outage = Outage.of(s3, () -> s3.stored(bucket, "short/train/part-00000.bin"), SHORT_OUTAGE_MS)) {
            r = cli(prepare(source, root + "/short"), s3Sets());
            assertTrue(outage.happened(), "the server must have gone down while prepare wrote minibatches");
        }
        assertEquals(0, r.code(), r.err());
        assertPreparedLikeLocal(local, bucket, "short/");

        // a bucket of its own: the cached S3A client of the first one keeps the patient settings
        String longBucket = "prepare-outage-long";
        String longOut = s3.bucket(longBucket) + "/long";
        Cli.Outcome failed;
        try (Outage outage = Outage.untilEnded(s3, () -> s3.stored(longBucket, "long/train/part-00000.bin"))) {
            failed = cli(prepare(source, longOut), s3Sets("s3.attempts=1", "s3.retry-interval=100ms"));
            assertTrue(outage.happened());
            outage.end();
        }
        assertEquals(2, failed.code(), failed.err());
        assertOneSentence(failed.err(), longOut);
        assertFalse(s3.stored(longBucket, "long/" + Manifest.FILE), "a failed prepare must not look committed");

        Cli.Outcome rerun = cli(prepare(source, longOut), s3Sets("s3.attempts=1", "s3.retry-interval=100ms"));
        assertEquals(0, rerun.code(), rerun.err());
        assertPreparedLikeLocal(local, longBucket, "long/");
    }

    static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
