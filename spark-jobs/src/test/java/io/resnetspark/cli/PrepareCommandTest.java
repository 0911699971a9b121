package io.resnetspark.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.resnetspark.data.Manifest;
import io.resnetspark.data.PreparedData;
import io.resnetspark.data.TestImageFiles;
import io.resnetspark.data.format.BatchTransform;
import io.resnetspark.data.format.Minibatch;
import io.resnetspark.data.remote.MinibatchLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.common.loader.LocalFileSourceFactory;
import org.nd4j.linalg.dataset.DataSet;

class PrepareCommandTest {
    @TempDir
    Path tmp;

    static final String[] LOCAL = {"--set", "spark.master=local[2]", "--set", "spark.conf.\"spark.ui.enabled\"=false"};

    static String[] prepare(String... args) {
        List<String> a = new ArrayList<>(List.of("prepare"));
        a.addAll(List.of(args));
        a.addAll(List.of(LOCAL));
        // the command's progress and notes go to System.err: keep them for the assertions
        java.io.PrintStream old = System.err;
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        try {
            System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
            String[] r = SummaryCommandTest.cli(a.toArray(new String[0]));
            r[2] = r[2] + err.toString(java.nio.charset.StandardCharsets.UTF_8);
            return r;
        } finally {
            System.setErr(old);
        }
    }

    static Map<String, String> hashes(Path out) throws Exception {
        Map<String, String> h = new HashMap<>();
        for (String split : List.of("train", "val", "test")) {
            for (Path p : PreparedData.files(out, split)) {
                h.put(split + "/" + p.getFileName(), io.resnetspark.storage.Storage.sha256(Files.readAllBytes(p)));
            }
        }
        return h;
    }

    @Test
    void imageFolderWithEveryFormatColorModeAndBadFile() throws Exception {
        Path src = tmp.resolve("src");
        TestImageFiles.Tree tree = TestImageFiles.mixedTree(src);
        Path out = tmp.resolve("out");
        String[] r = prepare("--source", src.toString(), "--format", "imagefolder", "--out", out.toString(), "--size",
                "16", "--batch", "3", "--val-fraction", "0.25", "--test-fraction", "0.25");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[2].contains("[prepare: decode]") && r[2].contains("images/s"), r[2]);
        Manifest m = PreparedData.manifest(out);
        assertEquals(List.of("cat", "dog"), m.classes());
        assertEquals(3, m.channels());
        assertEquals(16, m.height());
        assertEquals(16, m.width());

        // every file seen is used or skipped with its reason, per split and per class
        long seen = m.splits().values().stream().mapToLong(Manifest.Split::seen).sum();
        long used = m.splits().values().stream().mapToLong(Manifest.Split::images).sum();
        assertEquals(tree.files(), seen);
        assertEquals(tree.good(), used);
        Map<String, String> reasons = new HashMap<>();
        m.skipped().forEach(s -> reasons.put(s.path(), s.reason()));
        tree.bad().forEach((path, reason) -> assertTrue(reasons.containsKey(path) && reasons.get(path).contains(reason),
                path + " should be skipped for '" + reason + "', manifest says: " + reasons.get(path)));
        assertEquals(tree.bad().size() + 1, reasons.size(), reasons.toString());
        assertTrue(reasons.get("empty/").contains("class folder holds no files"), reasons.toString());
        long catUsed = m.splits().values().stream().mapToLong(s -> s.perClass().get("cat")).sum();
        long catSkipped = m.splits().values().stream().mapToLong(s -> s.skippedPerClass().getOrDefault("cat", 0L)).sum();
        assertEquals(tree.perClass().get("cat"), catUsed + catSkipped);

        // batches: fixed size, last partial kept, labels agree with the source folders
        double[] mean = m.normalization().mean();
        assertEquals(3, mean.length);
        for (double v : mean) {
            assertTrue(v > 0 && v < 1, "mean " + v);
        }
        for (String split : List.of("train", "val", "test")) {
            Manifest.Split s = m.splits().get(split);
            List<Minibatch> batches = PreparedData.batches(out, split);
            assertEquals(s.files(), batches.size(), split);
            long n = 0;
            for (int i = 0; i < batches.size(); i++) {
                Minibatch b = batches.get(i);
                assertEquals(i < batches.size() - 1 ? 3 : (int) (s.images() - 3L * i), b.n(), split + " batch " + i);
                assertEquals(2, b.classes());
                for (int k = 0; k < b.n(); k++) {
                    assertEquals(b.sources()[k].startsWith("cat/") ? 0 : 1, b.labels()[k], b.sources()[k]);
                }
                n += b.n();
            }
            assertEquals(s.images(), n);
        }
        // readable by what fitPaths runs on executors
        Path first = PreparedData.files(out, "train").get(0);
        DataSet ds = new MinibatchLoader(BatchTransform.eval(m.normalization()), 1)
                .load(new LocalFileSourceFactory().getSource(first.toString()));
        assertArrayEquals(new long[] {3, 3, 16, 16}, ds.getFeatures().shape());

        // a committed output is kept...
        Map<String, String> before = hashes(out);
        String[] again = prepare("--source", src.toString(), "--format", "imagefolder", "--out", out.toString(),
                "--size", "16", "--batch", "3", "--val-fraction", "0.25", "--test-fraction", "0.25");
        assertEquals("0", again[0], again[2]);
        assertTrue(again[1].contains("already prepared at"), again[1]);
        // ...rewritten with --overwrite, byte-identical
        String[] over = prepare("--source", src.toString(), "--format", "imagefolder", "--out", out.toString(),
                "--size", "16", "--batch", "3", "--val-fraction", "0.25", "--test-fraction", "0.25", "--overwrite");
        assertEquals("0", over[0], over[2]);
        assertTrue(over[2].contains("overwriting the prepared data"), over[2]);
        assertEquals(before, hashes(out));
        // a crashed run (no manifest, a stray file) is cleaned up and redone
        Files.delete(out.resolve(Manifest.FILE));
        Files.write(out.resolve("train/part-09999.bin"), new byte[] {1, 2, 3});
        String[] redo = prepare("--source", src.toString(), "--format", "imagefolder", "--out", out.toString(),
                "--size", "16", "--batch", "3", "--val-fraction", "0.25", "--test-fraction", "0.25");
        assertEquals("0", redo[0], redo[2]);
        assertTrue(redo[2].contains("cleaning up a half-written output"), redo[2]);
        assertFalse(Files.exists(out.resolve("train/part-09999.bin")));
        assertEquals(before, hashes(out));
    }

    @Test
    void splitFoldersDecideTheSplit() throws Exception {
        Path src = tmp.resolve("split-src");
        TestImageFiles.splitTree(src);
        Path out = tmp.resolve("split-out");
        String[] r = prepare("--source", src.toString(), "--out", out.toString(), "--size", "8", "--batch", "4",
                "--channels", "1");
        assertEquals("0", r[0], r[2]);
        Manifest m = PreparedData.manifest(out);
        assertEquals(List.of("a", "b"), m.classes());
        assertEquals(1, m.channels());
        assertEquals(5, m.splits().get("train").images());
        assertEquals(Map.of("a", 3L, "b", 2L), m.splits().get("train").perClass());
        assertEquals(2, m.splits().get("val").images());
        assertEquals(1, m.splits().get("test").images());
        assertEquals(2, m.splits().get("train").files());
        assertEquals(1, m.skipped().size(), m.skipped().toString());
        assertEquals("extra/a/x.png", m.skipped().get(0).path());
        assertEquals(2, PreparedData.files(out, "train").size());
    }

    @Test
    void badSettingsFailBeforeSparkWithOneSentenceNamingTheKey() throws Exception {
        String src = Files.createDirectories(tmp.resolve("s")).toString();
        String out = tmp.resolve("o").toString();
        String[][] cases = {
            {"prepare.format", "--source", src, "--out", out, "--format", "tiff"},
            {"prepare.val-fraction", "--source", src, "--out", out, "--val-fraction", "0.6", "--test-fraction", "0.4"},
            {"prepare.batch", "--source", src, "--out", out, "--batch", "0"},
            {"prepare.size", "--source", src, "--out", out, "--size", "5000"},
            {"prepare.size", "--source", src, "--out", out, "--size", "4"},
            {"prepare.source", "--out", out},
            {"prepare.out", "--source", src},
            {"prepare.channels", "--source", src, "--out", out, "--channels", "2"},
            {"prepare.out", "--source", src, "--out", tmp.resolve("s/inside").toString()},
        };
        for (String[] c : cases) {
            String[] args = java.util.Arrays.copyOfRange(c, 1, c.length);
            String[] r = prepare(args);
            assertEquals("2", r[0], String.join(" ", args) + ": " + r[2]);
            assertTrue(r[2].startsWith("error: ") && r[2].contains("'" + c[0]), c[0] + ": " + r[2]);
            assertEquals(1, r[2].strip().lines().count(), r[2]);
        }
        String[] missing = prepare("--source", tmp.resolve("nowhere").toString(), "--out", out);
        assertEquals("2", missing[0]);
        assertTrue(missing[2].contains("does not exist"), missing[2]);
    }
}
