package io.resnetspark.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.resnetspark.data.format.Minibatch;
import io.resnetspark.eval.remote.Tally;
import io.resnetspark.eval.remote.Thumbnails;
import io.resnetspark.scoring.Prediction;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.ValueAxis;
import org.junit.jupiter.api.Test;

/** The report's pictures of its mistakes, and its curves of a one-epoch run. */
class ThumbnailsTest {
    static Minibatch batch(int n, int channels, int side) {
        byte[] px = new byte[n * channels * side * side];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (i * 7);
        }
        String[] sources = new String[n];
        for (int i = 0; i < n; i++) {
            sources[i] = "img-" + i + ".png";
        }
        return new Minibatch(n, channels, side, side, 3, px, new int[n], sources);
    }

    @Test
    void aThumbnailIsTheImageAsTheNetworkSawIt() throws Exception {
        Minibatch gray = batch(3, 1, 28);
        BufferedImage g = ImageIO.read(new ByteArrayInputStream(Thumbnails.png(gray, 2)));
        assertEquals(28, g.getWidth());
        assertEquals(gray.pixels()[2 * 784 + 5 * 28 + 9] & 0xFF, g.getRaster().getSample(9, 5, 0));
        Minibatch rgb = batch(2, 3, 20);
        BufferedImage c = ImageIO.read(new ByteArrayInputStream(Thumbnails.png(rgb, 1)));
        int at = 1 * 3 * 400 + 4 * 20 + 3;
        int expected = (rgb.pixels()[at] & 0xFF) << 16 | (rgb.pixels()[at + 400] & 0xFF) << 8 | rgb.pixels()[at + 800] & 0xFF;
        assertEquals(expected, c.getRGB(3, 4) & 0xFFFFFF);
        // large images shrink to the thumbnail size, keeping their aspect
        BufferedImage big = ImageIO.read(new ByteArrayInputStream(Thumbnails.png(batch(1, 3, 224), 0)));
        assertEquals(Thumbnails.MAX_SIDE, big.getWidth());
    }

    @Test
    void theMistakesTableShowsEachImageWithTrueAndPredictedClass() throws Exception {
        List<String> classes = List.of("cat", "dog", "bird");
        Tally t = new Tally(3, 10, 4, 3);
        Map<String, byte[]> thumbs = new HashMap<>();
        Minibatch b = batch(6, 1, 28);
        for (int i = 0; i < 6; i++) {
            int label = i % 3;
            float[] probs = {0.1f, 0.1f, 0.1f};
            probs[(label + 1) % 3] = 0.8f;
            Prediction p = Prediction.of("img-" + i + ".png", label, probs, 3).from("s3a://d/test/part-00000.bin", i);
            t.add(p);
            thumbs.put(Thumbnails.key(p), Thumbnails.png(b, i));
        }
        Report r = new Report(classes, t, new Report.Context("m.zip", "ab", Map.of(), "d", "test", 1, 1, 1, "now"));
        String html = ReportHtml.render(r, null, List.of(), thumbs);
        String table = html.substring(html.indexOf("id=\"mistakes\""), html.indexOf("</table>", html.indexOf("id=\"mistakes\"")));
        Matcher m = Pattern.compile("<img class=\"thumb\" src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\" alt=\"(\\w+) taken "
                + "for (\\w+)\">").matcher(table);
        int shown = 0;
        while (m.find()) {
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(m.group(1))));
            assertEquals(28, img.getWidth());
            assertTrue(classes.indexOf(m.group(3)) == (classes.indexOf(m.group(2)) + 1) % 3, m.group());
            shown++;
        }
        assertEquals(4, shown, "one picture per kept mistake: " + table);
    }

    @Test
    void aOneEpochRunGetsAnEpochAxisAndALossAxisFromZero() {
        JFreeChart loss = Charts.curves("Loss", "cross-entropy", new double[] {1}, List.of("train_loss"),
                List.of(new double[] {0.4512}), false);
        ValueAxis epoch = loss.getXYPlot().getDomainAxis();
        assertTrue(epoch.getLowerBound() <= 0.5 && epoch.getUpperBound() >= 1.5, epoch.getRange().toString());
        ValueAxis value = loss.getXYPlot().getRangeAxis();
        assertEquals(0.0, value.getLowerBound(), 1e-9, value.getRange().toString());
        assertTrue(value.getUpperBound() >= 0.4512, value.getRange().toString());
        // several epochs: the axes follow the data as before
        JFreeChart many = Charts.curves("Loss", "cross-entropy", new double[] {1, 2, 3}, List.of("train_loss"),
                List.of(new double[] {0.9, 0.6, 0.5}), false);
        assertTrue(many.getXYPlot().getRangeAxis().getLowerBound() > 0.3, many.getXYPlot().getRangeAxis().getRange()
                .toString());
    }
}
