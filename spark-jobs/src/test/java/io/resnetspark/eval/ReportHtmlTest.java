package io.resnetspark.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.resnetspark.eval.remote.Tally;
import io.resnetspark.scoring.Prediction;
import io.resnetspark.storage.Storage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** report.html on its own: escaping, the charts it must carry, and what Chromium shows of it. */
class ReportHtmlTest {
    @TempDir
    Path dir;

    static Report report(List<String> classes, long n, double accuracy) {
        Random r = new Random(5);
        Tally t = new Tally(classes.size(), 15, 10, 5);
        for (int i = 0; i < n; i++) {
            int label = r.nextInt(classes.size());
            int pred = r.nextDouble() < accuracy ? label : r.nextInt(classes.size());
            float[] probs = new float[classes.size()];
            float conf = 0.4f + 0.6f * r.nextFloat();
            for (int c = 0; c < probs.length; c++) {
                probs[c] = (1 - conf) / (probs.length - 1);
            }
            probs[pred] = conf;
            t.add(Prediction.of("img<" + i + ">.png", label, probs, 5));
        }
        return new Report(classes, t, new Report.Context("s3a://models/m.zip", "ab12", Map.of("architecture", "resnet20"),
                "s3a://data/<x>", "test", 3, 2, 1.5, "2026-11-22T20:00:00Z"));
    }

    @Test
    void pageEscapesNamesAndCarriesEveryChart() throws Exception {
        List<String> classes = List.of("<script>alert(1)</script>", "a & b", "plain", "q\"uote");
        Storage storage = new Storage(new Configuration());
        SyntheticRun.writeRun(storage, dir.resolve("run").toString());
        TrainingRun run = TrainingRun.read(storage, new org.apache.hadoop.fs.Path(dir.resolve("run").toUri()), "file:/run");
        String html = ReportHtml.render(report(classes, 400, 0.8), run, List.of(0.90, 0.92, 0.94));

        assertFalse(html.contains("<script>"), "class names must not become markup");
        assertFalse(html.contains("img<1>"), "sources are escaped too");
        assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assertTrue(html.contains("a &amp; b"));
        for (String id : new String[] {"confusion", "per-class", "reliability", "loss-curve", "accuracy-curve"}) {
            int at = html.indexOf("id=\"" + id + "\"");
            assertTrue(at > 0, "chart " + id);
            assertTrue(html.startsWith("<svg", html.indexOf('>', at) + 1), "chart " + id + " is inline SVG");
        }
        assertFalse(html.contains("http://") && html.contains("<script src"), "self-contained");
        assertTrue(html.contains("not reached"), "0.94 was never reached");
        assertEquals(2, html.split("<svg", -1).length - 1 - 3, "two curves besides the three report charts");

        Path page = dir.resolve("report.html");
        Files.writeString(page, html);
        Browser.Shot shot = Browser.screenshot(page, dir);
        // kept for a person to look at after the build
        Files.copy(dir.resolve("shot.png"), Path.of("target/report-html-test.png"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertEquals(1200, shot.width());
        assertTrue(shot.distinctColours() > 200, "a drawn page has many colours: " + shot);
        assertTrue(shot.nonWhiteShare() > 0.05, "not blank: " + shot);
        assertTrue(shot.heatHighPixels() > 500, "the heat map's dark cells are on screen: " + shot);
    }

    @Test
    void manyClassesStillRender() {
        List<String> classes = new java.util.ArrayList<>();
        for (int i = 0; i < 120; i++) {
            classes.add("class-" + i);
        }
        String html = ReportHtml.render(report(classes, 3000, 0.5), null, List.of(0.9));
        assertTrue(html.contains("The 60 classes with the lowest F1 of 120."));
        assertFalse(html.contains("loss-curve"), "no run, no curves");
    }
}
