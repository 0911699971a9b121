package io.resnetspark.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.resnetspark.eval.Browser;
import io.resnetspark.eval.SyntheticRun;
import io.resnetspark.model.ModelMetadata;
import io.resnetspark.model.ModelStore;
import io.resnetspark.storage.Storage;
import io.resnetspark.testing.S3Server;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * evaluate and export end to end against a real S3 server on loopback (S3A) and real Spark (local[2]):
 * a small ResNet trained in-process on prepared synthetic data, its report recounted from the
 * per-example predictions, the page opened in Chromium, the export committed and checked, and the
 * exported model loaded back from S3 in a second JVM that must reproduce the report.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EvaluateExportTest {
    static S3Server s3;
    static Storage storage;
    static String bucket;
    static String data;
    static String run;
    static String model;
    static ComputationGraph trained;
    /** Everything the runs printed, searched for credentials at the end. */
    static final List<String> printed = new ArrayList<>();

    @TempDir
    static java.nio.file.Path tmp;

    @BeforeAll
    static void prepare() throws Exception {
        s3 = new S3Server();
        bucket = s3.bucket("eval-export-test");
        storage = new Storage(s3.hadoop());
        data = bucket + "/prepared";
        run = bucket + "/runs/r1";
        model = run + "/best.zip";
        long t0 = System.nanoTime();
        SyntheticRun.writeData(storage, data);
        long t1 = System.nanoTime();
        trained = SyntheticRun.train(storage, data);
        System.err.printf("fixture: data %.1f s, training %.1f s%n", (t1 - t0) / 1e9, (System.nanoTime() - t1) / 1e9);
        ModelMetadata meta = SyntheticRun.metadata(data, run, S3Server.ACCESS_KEY, S3Server.SECRET_KEY);
        storage.writeBytes(new Path(model), SyntheticRun.save(trained, meta));
        SyntheticRun.writeRun(storage, run);
    }

    @AfterAll
    static void stop() {
        if (s3 != null) {
            s3.close();
        }
    }

    static String[] cli(String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.add("--set");
        all.add("spark.master=local[2]");
        for (String set : s3.cliSets()) {
            all.add("--set");
            all.add(set);
        }
        String[] r = SummaryCommandTest.cli(all.toArray(new String[0]));
        printed.add(r[1]);
        printed.add(r[2]);
        return r;
    }

    static JsonNode json(String uri) throws Exception {
        return ModelStore.JSON.readTree(storage.readBytes(new Path(uri)));
    }

    /** RFC 4180 rows (quoted fields may hold commas). */
    static List<List<String>> csv(String text) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    f.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    f.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                row.add(f.toString());
                f.setLength(0);
            } else if (c == '\n') {
                row.add(f.toString());
                f.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
            } else {
                f.append(c);
            }
        }
        return rows;
    }

    @Test
    @Order(1)
    void reportAgreesWithARecountOfThePredictions() throws Exception {
        String out = bucket + "/eval/e1";
        String[] r = cli("evaluate", "--model", model, "--data", data, "--out", out, "--run", run,
                "--misclassified", "5", "--bins", "10");
        System.err.println(r[1]);
        assertEquals("0", r[0], r[2]);
        for (String f : new String[] {"report.json", "report.html", "confusion.csv", "per-class.csv", "misclassified.csv",
            "predictions.csv", "_SUCCESS"}) {
            assertTrue(storage.exists(new Path(out + "/" + f)), f);
        }
        Set<String> names = new TreeSet<>();
        for (org.apache.hadoop.fs.FileStatus st : storage.fs(new Path(out)).listStatus(new Path(out))) {
            names.add(st.getPath().getName());
        }
        assertEquals(new TreeSet<>(List.of("report.json", "report.html", "confusion.csv", "per-class.csv",
                "misclassified.csv", "predictions.csv", "_SUCCESS")), names, "the report files and nothing left over");
        JsonNode rep = json(out + "/report.json");
        long n = Arrays.stream(SyntheticRun.TEST_FILES).sum();
        assertEquals(n, rep.get("examples").asLong());
        assertTrue(rep.get("top1").asDouble() > 0.6, "the trained model beats chance (1/3): " + rep.get("top1"));
        assertEquals(3, rep.get("top5_k").asInt());
        assertEquals(1.0, rep.get("top5").asDouble(), "with three classes the truth is always in the top 3");
        assertEquals(storage.sha256(new Path(model)), rep.at("/model/sha256").asText());
        assertEquals(SyntheticRun.CLASSES.get(2), rep.at("/data/classes/2").asText());
        assertTrue(rep.at("/timing/images_per_sec").asDouble() > 0);

        // recount from the per-example rows that Spark wrote
        List<List<String>> rows = csv(storage.readString(new Path(out + "/predictions.csv")));
        assertEquals("source", rows.get(0).get(0));
        rows = rows.subList(1, rows.size());
        assertEquals(n, rows.size());
        int k = SyntheticRun.CLASSES.size();
        long[][] confusion = new long[k][k];
        long correct = 0;
        double loss = 0;
        int bins = 10;
        long[] binCount = new long[bins];
        long[] binCorrect = new long[bins];
        double[] binConf = new double[bins];
        for (List<String> row : rows) {
            assertEquals(10, row.size(), row.toString());
            assertTrue(row.get(0).startsWith("raw/test/"), row.get(0));
            int t = Integer.parseInt(row.get(1));
            int p = Integer.parseInt(row.get(3));
            assertEquals(SyntheticRun.CLASSES.get(t), row.get(2));
            assertEquals(SyntheticRun.CLASSES.get(p), row.get(4));
            confusion[t][p]++;
            correct += t == p ? 1 : 0;
            assertEquals(t == p ? "1" : "0", row.get(6));
            String[] top = row.get(7).split("\\|");
            String[] probs = row.get(9).split("\\|");
            assertEquals(String.valueOf(p), top[0]);
            assertEquals(row.get(5), probs[0], "confidence is the top probability");
            for (int j = 0; j < top.length; j++) {
                if (Integer.parseInt(top[j]) == t) {
                    loss += -Math.log(Math.max(Float.parseFloat(probs[j]), 1e-12));
                }
            }
            float conf = Float.parseFloat(row.get(5));
            int b = Math.max(0, Math.min(bins - 1, (int) Math.ceil(conf * bins) - 1));
            binCount[b]++;
            binConf[b] += conf;
            binCorrect[b] += t == p ? 1 : 0;
        }
        assertEquals(correct, rep.get("correct").asLong());
        assertEquals((double) correct / n, rep.get("top1").asDouble(), 0.0);
        for (int i = 0; i < k; i++) {
            long support = 0;
            for (int j = 0; j < k; j++) {
                assertEquals(confusion[i][j], rep.at("/confusion/matrix/" + i + "/" + j).asLong(), "cell " + i + "," + j);
                support += confusion[i][j];
            }
            assertEquals(support, rep.at("/per_class/" + i + "/support").asLong());
        }
        assertEquals(loss / n, rep.get("loss").asDouble(), 1e-9);
        double ece = 0;
        for (int b = 0; b < bins; b++) {
            if (binCount[b] > 0) {
                ece += Math.abs((double) binCorrect[b] / binCount[b] - binConf[b] / binCount[b]) * binCount[b] / n;
            }
            assertEquals(binCount[b], rep.at("/calibration/reliability/" + b + "/count").asLong());
        }
        assertEquals(ece, rep.get("ece").asDouble(), 1e-9);

        // the CSVs say the same as report.json
        List<List<String>> conf = csv(storage.readString(new Path(out + "/confusion.csv")));
        assertEquals(SyntheticRun.CLASSES, conf.get(0).subList(1, k + 1));
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                assertEquals(confusion[i][j], Long.parseLong(conf.get(i + 1).get(j + 1)));
            }
        }
        List<List<String>> perClass = csv(storage.readString(new Path(out + "/per-class.csv")));
        assertEquals(SyntheticRun.CLASSES.get(0), perClass.get(1).get(1));
        assertEquals("macro avg", perClass.get(k + 1).get(1));
        // noisy labels guarantee mistakes; the list is the most confident of them, in order
        List<List<String>> mis = csv(storage.readString(new Path(out + "/misclassified.csv")));
        assertEquals(6, mis.size(), "header and five mistakes");
        double maxWrong = rows.stream().filter(x -> x.get(6).equals("0")).mapToDouble(x -> Double.parseDouble(x.get(5)))
                .max().orElseThrow();
        assertEquals(maxWrong, Double.parseDouble(mis.get(1).get(6)), 0.0);
        for (int i = 1; i < mis.size(); i++) {
            List<String> m = mis.get(i);
            assertFalse(m.get(2).equals(m.get(4)), "a mistake");
            assertTrue(rows.stream().anyMatch(x -> x.get(0).equals(m.get(1)) && x.get(5).equals(m.get(6))));
            if (i > 1) {
                assertTrue(Double.parseDouble(mis.get(i - 1).get(6)) >= Double.parseDouble(m.get(6)));
            }
        }
        // the training run's time to accuracy: 0.90 at epoch 2 (20 s), 0.92 at epoch 3, 0.94 never
        JsonNode tta = rep.at("/training_run/time_to_accuracy");
        assertEquals(2, tta.get(0).get("epoch").asInt());
        assertEquals(20.0, tta.get(0).get("seconds").asDouble());
        assertEquals(3, tta.get(1).get("epoch").asInt());
        assertFalse(tta.get(2).get("reached").asBoolean());

        // the page, opened in a browser
        String html = storage.readString(new Path(out + "/report.html"));
        assertFalse(html.contains("<cross>"));
        assertTrue(html.contains("&lt;cross&gt;") && html.contains("post &amp; beam"));
        // each of the 5 kept mistakes shows its image, read from the minibatch files on the executors
        assertEquals(5, html.split("<img class=\"thumb\" src=\"data:image/png;base64,", -1).length - 1, "thumbnails");
        java.nio.file.Path page = tmp.resolve("report.html");
        Files.writeString(page, html);
        Browser.Shot shot = Browser.screenshot(page, tmp);
        assertTrue(shot.distinctColours() > 200 && shot.nonWhiteShare() > 0.05, "not blank: " + shot);
        assertTrue(shot.heatHighPixels() > 500, "the heat map is on screen: " + shot);
    }

    @Test
    @Order(2)
    void foldedBatchNormScoresLikeTheNetworkAsTrained() throws Exception {
        // e1 (the test above) scored with the default, BN folded into the convolutions; this one without
        String out = bucket + "/eval/unfolded";
        String[] r = cli("evaluate", "--model", model, "--data", data, "--out", out, "--set",
                "performance.fold-batch-norm=false");
        assertEquals("0", r[0], r[2]);
        JsonNode a = json(bucket + "/eval/e1/report.json");
        JsonNode b = json(out + "/report.json");
        for (String k : new String[] {"examples", "correct", "top1", "top5", "confusion"}) {
            assertEquals(a.get(k), b.get(k), k);
        }
        assertEquals(a.get("loss").asDouble(), b.get("loss").asDouble(), 1e-4);
        Map<String, List<String>> folded = new HashMap<>();
        for (List<String> row : csv(storage.readString(new Path(bucket + "/eval/e1/predictions.csv")))) {
            folded.put(row.get(0), row);
        }
        List<List<String>> rows = csv(storage.readString(new Path(out + "/predictions.csv")));
        assertEquals(folded.size(), rows.size());
        for (List<String> row : rows.subList(1, rows.size())) {
            List<String> f = folded.get(row.get(0));
            assertEquals(row.get(3), f.get(3), "same predicted class for " + row.get(0));
            assertEquals(Double.parseDouble(row.get(5)), Double.parseDouble(f.get(5)), 1e-4, "confidence");
        }
    }

    @Test
    @Order(2)
    void committedOutputIsSkippedUnlessOverwriteAndPartialOutputIsRedone() throws Exception {
        String out = bucket + "/eval/e1";
        String before = storage.readString(new Path(out + "/report.json"));
        storage.writeString(new Path(out + "/stray.txt"), "left by hand");
        String[] again = cli("evaluate", "--model", model, "--data", data, "--out", out);
        assertEquals("0", again[0], again[2]);
        assertTrue(again[1].contains("already committed; skipping"), again[1]);
        assertEquals(before, storage.readString(new Path(out + "/report.json")));
        assertTrue(storage.exists(new Path(out + "/stray.txt")));

        String[] redo = cli("evaluate", "--model", model, "--data", data, "--out", out, "--overwrite");
        assertEquals("0", redo[0], redo[2]);
        assertFalse(storage.exists(new Path(out + "/stray.txt")), "overwrite starts from an empty directory");
        assertTrue(storage.committed(new Path(out)));
        assertFalse(json(out + "/report.json").has("training_run"), "no --run this time");

        // an interrupted evaluation: files but no _SUCCESS
        String partial = bucket + "/eval/partial";
        storage.writeString(new Path(partial + "/report.json"), "{\"half\": true}");
        String[] fresh = cli("evaluate", "--model", model, "--data", data, "--out", partial);
        assertEquals("0", fresh[0], fresh[2]);
        assertTrue(storage.committed(new Path(partial)));
        assertEquals(json(out + "/report.json").get("confusion"), json(partial + "/report.json").get("confusion"));

        // another model in the same JVM is scored with its own weights, not a pooled copy of the first
        String untrained = bucket + "/runs/r0/untrained.zip";
        storage.writeBytes(new Path(untrained), SyntheticRun.save(
                io.resnetspark.model.ResNetBuilder.build(SyntheticRun.options(), io.resnetspark.model.Optimization.defaults()),
                SyntheticRun.metadata(data, run, "-", "-")));
        String[] other = cli("evaluate", "--model", untrained, "--data", data, "--out", bucket + "/eval/untrained");
        assertEquals("0", other[0], other[2]);
        assertFalse(storage.readString(new Path(out + "/predictions.csv"))
                .equals(storage.readString(new Path(bucket + "/eval/untrained/predictions.csv"))));

        // a directory that is not an evaluation output is never cleared
        String foreign = bucket + "/eval/foreign";
        storage.writeString(new Path(foreign + "/holiday.jpg"), "not ours");
        String[] refused = cli("evaluate", "--model", model, "--data", data, "--out", foreign);
        assertEquals("2", refused[0]);
        assertTrue(refused[2].contains("holiday.jpg, which is not part of an evaluation output"), refused[2]);
        assertTrue(storage.exists(new Path(foreign + "/holiday.jpg")));
    }

    @Test
    @Order(3)
    void badInputIsOneSentence() throws Exception {
        String[] noSplit = cli("evaluate", "--model", model, "--data", data, "--split", "val", "--out",
                bucket + "/eval/bad1");
        assertEquals("2", noSplit[0]);
        assertTrue(noSplit[2].contains("split 'val'") && noSplit[2].contains("no minibatch files"), noSplit[2]);
        String[] noData = cli("evaluate", "--model", model, "--data", bucket + "/nothing", "--out", bucket + "/eval/bad2");
        assertEquals("2", noData[0]);
        assertTrue(noData[2].contains("no prepared data at") && noData[2].contains("manifest.json is missing"), noData[2]);
        String[] noModel = cli("evaluate", "--model", bucket + "/none.zip", "--data", data, "--out", bucket + "/eval/bad3");
        assertEquals("2", noModel[0]);
        assertTrue(noModel[2].contains("none.zip does not exist"), noModel[2]);
        assertFalse(storage.exists(new Path(bucket + "/eval/bad1/_SUCCESS")));
    }

    @Test
    @Order(4)
    void exportIsCommittedChecksummedAndImmutable() throws Exception {
        String to = bucket + "/models/shapes/1";
        String report = bucket + "/eval/e1";
        String[] r = cli("export", "--model", model, "--to", to, "--report", report);
        assertEquals("0", r[0], r[2]);
        assertTrue(storage.committed(new Path(to)));
        // SHA256SUMS covers every file and matches the bytes
        String sums = storage.readString(new Path(to + "/SHA256SUMS"));
        List<String> names = new ArrayList<>();
        for (String line : sums.split("\n")) {
            String[] parts = line.split("  ", 2);
            assertEquals(storage.sha256(new Path(to + "/" + parts[1])), parts[0], parts[1]);
            names.add(parts[1]);
        }
        assertEquals(List.of("model.zip", "model.onnx", "classes.json", "model-card.json"), names);
        assertArrayEquals(storage.readBytes(new Path(model)), storage.readBytes(new Path(to + "/model.zip")));
        JsonNode classes = json(to + "/classes.json");
        assertEquals("<cross>", classes.get("2").asText());
        assertEquals(3, classes.size());

        JsonNode card = json(to + "/model-card.json");
        assertEquals("shapes", card.get("name").asText());
        assertEquals("1", card.get("version").asText());
        assertEquals("resnet20", card.at("/model/architecture").asText());
        assertEquals("[1,8,8]", card.at("/input/shape").toString());
        assertEquals(0.3, card.at("/input/mean/0").asDouble());
        assertEquals(data + "/manifest.json", card.at("/training/manifest").asText());
        assertEquals(0.95, card.at("/metrics/training/val_top1").asDouble());
        JsonNode rep = json(report + "/report.json");
        assertEquals(rep.get("top1").asDouble(), card.at("/metrics/evaluation/top1").asDouble());
        assertEquals(4, card.at("/training/config/train/epochs").asInt());
        assertEquals("****", card.at("/training/config/hadoop/fs.s3a.secret.key").asText());
        assertEquals("****", card.at("/training/config/hadoop/fs.s3a.access.key").asText());
        assertTrue(card.at("/model/trainable_params").asLong() > 200_000);
        assertFalse(card.get("code_version").asText().isBlank());

        // rerun: skipped, untouched; --overwrite: refused
        String cardBefore = storage.readString(new Path(to + "/model-card.json"));
        String[] again = cli("export", "--model", model, "--to", to);
        assertEquals("0", again[0], again[2]);
        assertTrue(again[1].contains("already exported; skipping"), again[1]);
        assertEquals(cardBefore, storage.readString(new Path(to + "/model-card.json")));
        String[] over = cli("export", "--model", model, "--to", to, "--overwrite");
        assertEquals("2", over[0]);
        assertTrue(over[2].contains("never rewritten"), over[2]);

        // an interrupted export is cleared and redone
        String v2 = bucket + "/models/shapes/2";
        storage.writeString(new Path(v2 + "/model.zip"), "truncated");
        String[] redo = cli("export", "--model", model, "--to", v2);
        assertEquals("0", redo[0], redo[2]);
        assertTrue(redo[1].contains("interrupted export"), redo[1]);
        assertEquals(storage.sha256(new Path(model)), storage.sha256(new Path(v2 + "/model.zip")));
        assertFalse(json(v2 + "/model-card.json").at("/metrics").has("evaluation"));

        // a report of another model is refused
        String other = bucket + "/eval/other";
        storage.writeString(new Path(other + "/report.json"), "{\"model\": {\"sha256\": \"0000\"}}");
        storage.markCommitted(new Path(other));
        String[] wrong = cli("export", "--model", model, "--to", bucket + "/models/shapes/3", "--report", other);
        assertEquals("2", wrong[0]);
        assertTrue(wrong[2].contains("is of another model"), wrong[2]);
        assertFalse(storage.exists(new Path(bucket + "/models/shapes/3/_SUCCESS")));
    }

    @Test
    @Order(5)
    void exportedModelLoadedFromS3ReproducesTheReportInAFreshJvm() throws Exception {
        String exported = bucket + "/models/shapes/1/model.zip";
        // the bytes read back through S3A restore the same weights
        ModelStore.Loaded loaded;
        try (var in = storage.open(new Path(exported))) {
            loaded = ModelStore.load(in, exported, false);
        }
        assertEquals(trained.params(), loaded.graph().params());

        String out = bucket + "/eval/fresh-jvm";
        List<String> cmd = new ArrayList<>();
        cmd.add(new File(System.getProperty("java.home"), "bin/java").getPath());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!a.startsWith("-agentlib") && !a.startsWith("-javaagent")) {
                cmd.add(a);
            }
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "evaluate",
                "--model", exported, "--data", data, "--out", out, "--set", "spark.master=local[2]",
                "--set", "s3.endpoint=" + s3.endpoint(), "--set", "s3.path-style-access=true"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("fresh-jvm.log").toFile());
        // credentials the way users give them: Hadoop's environment provider
        Map<String, String> env = pb.environment();
        env.put("AWS_ACCESS_KEY_ID", S3Server.ACCESS_KEY);
        env.put("AWS_SECRET_ACCESS_KEY", S3Server.SECRET_KEY);
        Process p = pb.start();
        assertTrue(p.waitFor(240, TimeUnit.SECONDS), "second JVM finished");
        String log = Files.readString(tmp.resolve("fresh-jvm.log"));
        printed.add(log);
        assertEquals(0, p.exitValue(), log);

        JsonNode a = json(bucket + "/eval/e1/report.json");
        JsonNode b = json(out + "/report.json");
        for (String k : new String[] {"examples", "correct", "top1", "top5", "loss", "ece", "per_class", "confusion",
            "calibration", "macro_avg", "weighted_avg", "misclassified"}) {
            if (!k.equals("misclassified")) {
                assertEquals(a.get(k), b.get(k), k);
            }
        }
        assertEquals(a.at("/model/sha256"), b.at("/model/sha256"));
        assertEquals(storage.readString(new Path(bucket + "/eval/e1/predictions.csv")),
                storage.readString(new Path(out + "/predictions.csv")));
    }

    @Test
    @Order(6)
    void noCredentialInAnythingWrittenOrPrinted() throws Exception {
        List<String> texts = new ArrayList<>(printed);
        Path root = new Path(bucket + "/");
        RemoteIterator<LocatedFileStatus> it = storage.fs(root).listFiles(root, true);
        int files = 0;
        Map<String, String> byName = new HashMap<>();
        while (it.hasNext()) {
            Path f = it.next().getPath();
            if (f.getName().endsWith(".bin") || f.getName().endsWith(".zip")) {
                continue; // pixels and weights (model.zip's own metadata is covered by the card check)
            }
            String text = new String(storage.readBytes(f), StandardCharsets.UTF_8);
            byName.put(f.toString(), text);
            files++;
        }
        assertTrue(files > 20, "the runs wrote their files: " + files);
        for (Map.Entry<String, String> e : byName.entrySet()) {
            assertFalse(e.getValue().contains(S3Server.ACCESS_KEY), e.getKey());
            assertFalse(e.getValue().contains(S3Server.SECRET_KEY), e.getKey());
        }
        for (String t : texts) {
            assertFalse(t.contains(S3Server.ACCESS_KEY), t);
            assertFalse(t.contains(S3Server.SECRET_KEY), t);
        }
        assertNotNull(byName.get(bucket + "/models/shapes/1/model-card.json"));
    }
}
