package io.resnetspark.data.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.resnetspark.model.Normalization;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

class AugmentationTest {
    private static final Normalization UNIT = new Normalization(new double[] {0, 0}, new double[] {1 / 255.0, 1 / 255.0});

    /** Two channels of 4x3, pixel = 10 * channel + index, so every value says where it came from. */
    private static byte[] image() {
        byte[] px = new byte[2 * 12];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (100 + i);
        }
        return px;
    }

    private static float[] run(Augmentation a, Normalization n, long seed) {
        return new BatchTransform(n, a).transform(image(), 1, 2, 3, 4, new Random(seed));
    }

    @Test
    void normalizationIsExact() {
        Normalization n = new Normalization(new double[] {0.5, 0.25}, new double[] {0.2, 0.1});
        float[] out = run(Augmentation.none(), n, 1);
        byte[] px = image();
        for (int i = 0; i < out.length; i++) {
            int c = i / 12;
            double expected = ((px[i] & 0xFF) / 255.0 - n.mean()[c]) / n.std()[c];
            assertEquals(expected, out[i], 1e-5, "pixel " + i);
        }
    }

    @Test
    void flipMirrorsEveryRow() {
        float[] out = run(new Augmentation(0, 1.0), UNIT, 1);
        for (int c = 0; c < 2; c++) {
            for (int y = 0; y < 3; y++) {
                for (int x = 0; x < 4; x++) {
                    assertEquals(100 + c * 12 + y * 4 + (3 - x), out[c * 12 + y * 4 + x], 1e-3);
                }
            }
        }
    }

    @Test
    void padCropShiftsAndPadsWithTheNormalizedZero() {
        Normalization n = new Normalization(new double[] {0.5, 0.5}, new double[] {0.5, 0.5});
        boolean shifted = false;
        for (long seed = 0; seed < 50; seed++) {
            float[] out = run(new Augmentation(1, 0), n, seed);
            // recover the shift from the image's corner values and check every pixel follows it
            Random r = new Random(seed);
            int dy = r.nextInt(3) - 1;
            int dx = r.nextInt(3) - 1;
            shifted |= dx != 0 || dy != 0;
            for (int c = 0; c < 2; c++) {
                for (int y = 0; y < 3; y++) {
                    for (int x = 0; x < 4; x++) {
                        int sy = y + dy;
                        int sx = x + dx;
                        double p = sy < 0 || sy >= 3 || sx < 0 || sx >= 4 ? 0 : 100 + c * 12 + sy * 4 + sx;
                        assertEquals((p / 255.0 - 0.5) / 0.5, out[c * 12 + y * 4 + x], 1e-5);
                    }
                }
            }
        }
        assertTrue(shifted);
    }

    @Test
    void randomResizedCropOfTheWholeImageIsTheIdentityAndZoomsOtherwise() {
        // scale 1 and ratio 4/3 = the whole 4x3 image: bilinear at scale 1 reproduces it exactly
        Augmentation whole = new Augmentation(0, 0, 1.0, 1.0, 4.0 / 3, 4.0 / 3);
        float[] out = run(whole, UNIT, 3);
        for (int i = 0; i < out.length; i++) {
            assertEquals(100 + i, out[i], 1e-3);
        }
        Augmentation wholeFlipped = new Augmentation(0, 1, 1.0, 1.0, 4.0 / 3, 4.0 / 3);
        float[] f = run(wholeFlipped, UNIT, 3);
        assertEquals(100 + 3, f[0], 1e-3);
        // a small box enlarged: values stay within the image's range and differ from the original
        Augmentation zoom = Augmentation.randomResizedCrop(0.2, 0.3, 0);
        float[] z = run(zoom, UNIT, 5);
        boolean differs = false;
        for (int i = 0; i < 12; i++) {
            assertTrue(z[i] >= 100 && z[i] <= 111, "channel 0 value " + z[i]);
            differs |= Math.abs(z[i] - (100 + i)) > 1e-3;
        }
        assertTrue(differs);
        double[] box = zoom.cropBox(30, 40, new Random(9));
        double share = box[2] * box[3] / (30.0 * 40);
        assertTrue(share > 0.15 && share < 0.35, "area share " + share);
    }

    @Test
    void batchTransformIsADataSetPreProcessor() {
        float[] raw = new float[2 * 12];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = 100 + i;
        }
        DataSet ds = new DataSet(Nd4j.create(raw, new long[] {1, 2, 3, 4}, 'c'), Nd4j.create(new float[] {0, 1}, 1, 2));
        Normalization n = new Normalization(new double[] {0.4, 0.6}, new double[] {0.2, 0.3});
        BatchTransform t = new BatchTransform(n, new Augmentation(0, 1.0)).seeded(7);
        t.preProcess(ds);
        float[] got = ds.getFeatures().data().asFloat();
        assertEquals(((100 + 3) / 255.0 - 0.4) / 0.2, got[0], 1e-5, "flipped and normalized");
        assertEquals(((100 + 12) / 255.0 - 0.6) / 0.3, got[12 + 3], 1e-5);
        assertNotEquals(raw[0], got[0]);
        assertEquals(1.0, ds.getLabels().getDouble(0, 1), 0.0);
    }
}
