package io.resnetspark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.resnetspark.testing.Cli;
import io.resnetspark.testing.ParquetTables;
import io.resnetspark.testing.SparkClusters;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * prepare --format parquet on tables written by another tool (parquet-mr's writer, see {@link ParquetTables}):
 * real image files in a binary column, bad rows of every kind, counts that reconcile as an ImageFolder's do,
 * and exactly the pixels prepare makes of the same image file in a folder.
 */
class PrepareParquetTest {
    static final String NAMED = "message images { required binary id (STRING); optional binary image;"
            + " optional binary label (STRING); optional binary split (STRING); }";
    static final String INDEXED = "message images { optional binary picture; optional int32 cls; }";

    @TempDir
    Path tmp;

    static String[] prepare(String... args) {
        List<String> a = new ArrayList<>(List.of("prepare"));
        a.addAll(List.of(args));
        a.addAll(SparkClusters.localSets(2));
        return Cli.strings(a.toArray(String[]::new));
    }

    static Map<String, Object> row(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void namedLabelsSplitColumnAndBadRowsReconcile() throws Exception {
        Path table = Files.createDirectories(tmp.resolve("table"));
        byte[] cat0 = TestImages.encode(TestImages.rgb(40, 30, 10, 20, 30), "png");
        List<Map<String, Object>> a = new ArrayList<>();
        a.add(row("id", "cat-0", "image", cat0, "label", "cat", "split", "train"));
        for (int i = 1; i < 6; i++) {
            a.add(row("id", "cat-" + i, "image", TestImages.encode(TestImages.gray(20 + i, 24, i * 9), "jpeg"),
                    "label", "cat", "split", i % 3 == 0 ? "validation" : "Train"));
        }
        a.add(row("id", "cat-trunc", "image", TestImages.truncated(TestImages.encode(TestImages.rgb(90, 60, 0, 0, 0),
                "jpeg"), 0.5), "label", "cat", "split", "train"));
        a.add(row("id", "cat-empty", "image", new byte[0], "label", "cat", "split", "test"));
        ParquetTables.write(new org.apache.hadoop.fs.Path(table.resolve("part-a.parquet").toUri()), NAMED, a);
        List<Map<String, Object>> b = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            b.add(row("id", "dog-" + i, "image", TestImages.encode(TestImages.rgb(33, 17 + i, 0, 100, 200), "bmp"),
                    "label", "dog", "split", i < 4 ? "train" : "test"));
        }
        b.add(row("id", "dog-text", "image", "not an image".getBytes(StandardCharsets.UTF_8), "label", "dog",
                "split", "train"));
        b.add(row("id", "no-label", "image", cat0, "split", "train"));
        b.add(row("id", "no-image", "label", "dog", "split", "val"));
        b.add(row("id", "holdout", "image", cat0, "label", "dog", "split", "holdout"));
        ParquetTables.write(new org.apache.hadoop.fs.Path(table.resolve("part-b.parquet").toUri()), NAMED, b);

        Path out = tmp.resolve("prepared");
        String[] r = prepare("--source", table.toString(), "--format", "parquet", "--out", out.toString(),
                "--image-col", "image", "--label-col", "label", "--split-col", "split", "--id-col", "id",
                "--size", "16", "--batch", "4");
        assertEquals("0", r[0], r[2]);
        Manifest m = PreparedData.manifest(out);
        assertEquals(List.of("cat", "dog"), m.classes());
        assertEquals(List.of(3, 16, 16), List.of(m.channels(), m.height(), m.width()));
        Map<String, String> skipped = m.skipped().stream().collect(Collectors.toMap(Manifest.Skipped::path,
                Manifest.Skipped::reason));
        assertEquals(6, skipped.size(), skipped.toString());
        assertTrue(skipped.get("cat-trunc").contains("JPEG"), skipped.toString());
        assertTrue(skipped.get("cat-empty").contains("empty"), skipped.toString());
        assertTrue(skipped.get("dog-text").contains("not an image"), skipped.toString());
        assertTrue(skipped.get("no-label").contains("label column 'label' is empty"), skipped.toString());
        assertTrue(skipped.get("no-image").contains("empty"), skipped.toString());
        assertTrue(skipped.get("holdout").contains("unknown split value 'holdout'"), skipped.toString());
        // every row is counted once: seen = used + skipped, per split and in all
        assertEquals(8 + 10, m.splits().values().stream().mapToLong(Manifest.Split::seen).sum());
        assertEquals(6, m.splits().values().stream().mapToLong(Manifest.Split::skipped).sum());
        assertEquals(Map.of("cat", 5L, "dog", 4L), m.splits().get("train").perClass());
        assertEquals(Map.of("cat", 1L, "dog", 0L), m.splits().get("val").perClass());
        assertEquals(Map.of("cat", 0L, "dog", 2L), m.splits().get("test").perClass());
        assertEquals("column split", m.recipe().get("split"));

        // the same file in an ImageFolder gives the same pixels
        Path folder = tmp.resolve("folder");
        TestImages.write(folder.resolve("cat/0.png"), cat0);
        TestImages.write(folder.resolve("dog/0.png"), cat0);
        Path fromFolder = tmp.resolve("from-folder");
        String[] f = prepare("--source", folder.toString(), "--out", fromFolder.toString(), "--size", "16",
                "--val-fraction", "0", "--test-fraction", "0");
        assertEquals("0", f[0], f[2]);
        assertArrayEquals(PreparedData.image(fromFolder, "train", "cat/0.png").pixels(),
                PreparedData.image(out, "train", "cat-0").pixels());
        assertEquals(0, PreparedData.image(out, "train", "cat-0").label());
    }

    @Test
    void classIndicesWithoutIdOrSplitColumnsAreNamedByFileAndRow() throws Exception {
        Path table = Files.createDirectories(tmp.resolve("indexed"));
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            rows.add(row("picture", TestImages.encode(TestImages.gray(12, 12, i * 7), "png"), "cls", i % 2));
        }
        rows.add(row("picture", TestImages.encode(TestImages.gray(12, 12, 1), "png"), "cls", 2));
        rows.add(row("picture", new byte[] {1, 2, 3}, "cls", 1));
        ParquetTables.write(new org.apache.hadoop.fs.Path(table.resolve("only.parquet").toUri()), INDEXED, rows);
        Path out = tmp.resolve("out");
        String[] r = prepare("--source", table.toString(), "--format", "parquet", "--out", out.toString(),
                "--image-col", "picture", "--label-col", "cls", "--set", "prepare.classes=[even, odd]",
                "--set", "prepare.channels=1");
        assertEquals("0", r[0], r[2]);
        Manifest m = PreparedData.manifest(out);
        assertEquals(List.of("even", "odd"), m.classes());
        assertEquals(List.of(1, 12, 12), List.of(m.channels(), m.height(), m.width()));
        Map<String, String> skipped = new HashMap<>();
        m.skipped().forEach(s -> skipped.put(s.path(), s.reason()));
        assertEquals(2, skipped.size(), skipped.toString());
        assertTrue(skipped.get("only.parquet#row30").contains("label 2 is out of range 0..1"), skipped.toString());
        assertTrue(skipped.get("only.parquet#row31").contains("not an image"), skipped.toString());
        long used = m.splits().values().stream().mapToLong(Manifest.Split::images).sum();
        assertEquals(30, used);
        assertTrue(m.recipe().get("split").toString().startsWith("hash of the row name (file#row"), m.recipe().toString());

        // a table without the named column is refused in one sentence naming the key
        String[] bad = prepare("--source", table.toString(), "--format", "parquet", "--out",
                tmp.resolve("bad").toString(), "--image-col", "content", "--label-col", "cls");
        assertEquals("2", bad[0], bad[2]);
        assertTrue(bad[2].contains("table.image-column names column 'content'") && bad[2].contains("picture, cls"),
                bad[2]);
    }
}
