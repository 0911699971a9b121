package io.resnetspark.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.resnetspark.bench.DecodeThroughput;
import io.resnetspark.data.format.SplitHash;
import io.resnetspark.model.Normalization;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrepareRulesTest {
    private static Manifest manifest(long trainImages, long trainSkipped, long seen, int files, List<Manifest.Skipped> s) {
        Map<String, Manifest.Split> splits = new LinkedHashMap<>();
        splits.put("train", new Manifest.Split(trainImages, files, Map.of("a", trainImages), trainSkipped, seen,
                Map.of()));
        splits.put("val", new Manifest.Split(0, 0, Map.of("a", 0L), 0, 0, Map.of()));
        splits.put("test", new Manifest.Split(0, 0, Map.of("a", 0L), 0, 0, Map.of()));
        return new Manifest(1, "src", "imagefolder", List.of("a"), 1, 8, 8, 4, new Normalization(new double[] {0.5},
                new double[] {0.2}), splits, s, Map.of(), "now");
    }

    @Test
    void countsMustReconcile() {
        List<Manifest.Skipped> one = List.of(new Manifest.Skipped("a/x.png", "train", "empty file"));
        Reconciliation.check(manifest(5, 1, 6, 2, one), 6);
        String lost = assertThrows(IllegalStateException.class,
                () -> Reconciliation.check(manifest(5, 1, 6, 2, one), 7)).getMessage();
        assertTrue(lost.contains("7 were listed"), lost);
        String unnamed = assertThrows(IllegalStateException.class,
                () -> Reconciliation.check(manifest(5, 1, 6, 2, List.of()), 6)).getMessage();
        assertTrue(unnamed.contains("0 skipped inputs are named"), unnamed);
        String seen = assertThrows(IllegalStateException.class,
                () -> Reconciliation.check(manifest(5, 1, 7, 2, one), 7)).getMessage();
        assertTrue(seen.contains("seen 7 != used 5 + skipped 1"), seen);
        String files = assertThrows(IllegalStateException.class,
                () -> Reconciliation.check(manifest(5, 1, 6, 1, one), 6)).getMessage();
        assertTrue(files.contains("1 files for 5 images"), files);
    }

    @Test
    void splitHashIsStableSeededAndProportional() {
        SplitHash h = new SplitHash(0, 0.1, 0.2);
        int[] counts = new int[3];
        int moved = 0;
        SplitHash other = new SplitHash(1, 0.1, 0.2);
        for (int i = 0; i < 20_000; i++) {
            String name = "class" + (i % 7) + "/img_" + i + ".jpg";
            String s = h.split(name);
            assertEquals(s, new SplitHash(0, 0.1, 0.2).split(name));
            counts[s.equals("train") ? 0 : s.equals("val") ? 1 : 2]++;
            moved += s.equals(other.split(name)) ? 0 : 1;
        }
        assertEquals(0.7, counts[0] / 20_000.0, 0.02);
        assertEquals(0.1, counts[1] / 20_000.0, 0.02);
        assertEquals(0.2, counts[2] / 20_000.0, 0.02);
        assertTrue(moved > 1000, "another seed draws another split");
        // pinned: a change of the hash would silently move files between splits of existing data sets
        assertEquals("train", h.split("cat/0001.jpg"));
        assertTrue(h.unit("x") >= 0 && h.unit("x") < 1);
    }

    @Test
    void normalizationStatisticsAreExact() {
        // one 2-pixel image with values 0 and 255: mean 0.5, std 0.5
        Normalization n = PrepareJob.stats(new long[] {255}, new long[] {255L * 255}, 2);
        assertEquals(0.5, n.mean()[0], 1e-12);
        assertEquals(0.5, n.std()[0], 1e-12);
        // a constant channel would divide by zero at training time
        assertEquals(1.0, PrepareJob.stats(new long[] {20}, new long[] {200}, 2).std()[0]);
    }

    @Test
    void decodeThroughputMeasuresTheRealDecoder() {
        DecodeThroughput.Result r = DecodeThroughput.measure(30, 64, "jpeg", 32, 3);
        assertEquals(30, r.images());
        assertTrue(r.imagesPerSecond() > 0 && r.meanFileBytes() > 200, r.toString());
        DecodeThroughput.Result p = DecodeThroughput.measure(30, 28, "png", 0, 1);
        assertEquals(28, p.outSide());
        assertTrue(p.imagesPerSecond() > 0, p.toString());
    }
}
