package io.resnetspark.data.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.resnetspark.data.TestImages;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ImageDecoderTest {
    private static final long LIMIT = 50_000_000L;

    private static int px(byte[] chw, int c, int w, int h, int x, int y) {
        return chw[c * w * h + y * w + x] & 0xFF;
    }

    @Test
    void losslessFormatsDecodeExactlyInEveryColorMode() throws Exception {
        Preprocessor keep = new Preprocessor(0, 7, 5, 3, LIMIT);
        for (String format : new String[] {"png", "bmp"}) {
            byte[] out = keep.fromFile(TestImages.encode(TestImages.rgb(7, 5, 10, 20, 30), format));
            assertEquals(3 * 35, out.length);
            assertEquals(10 + 6, px(out, 0, 7, 5, 6, 4), format);
            assertEquals(20 + 4, px(out, 1, 7, 5, 6, 4), format);
            assertEquals(30, px(out, 2, 7, 5, 6, 4), format);
        }
        // grayscale PNG: raw samples (no gamma through the color model), replicated into 3 channels
        byte[] g = keep.fromFile(TestImages.encode(TestImages.gray(7, 5, 100), "png"));
        for (int c = 0; c < 3; c++) {
            assertEquals(100 + 3 + 2, px(g, c, 7, 5, 3, 2));
        }
        byte[] g1 = new Preprocessor(0, 7, 5, 1, LIMIT).fromFile(TestImages.encode(TestImages.gray(7, 5, 100), "png"));
        assertEquals(35, g1.length);
        assertEquals(100 + 6 + 4, px(g1, 0, 7, 5, 6, 4));
        // 16-bit grayscale PNG: the high byte
        BufferedImage g16 = new BufferedImage(7, 5, BufferedImage.TYPE_USHORT_GRAY);
        g16.getRaster().setSample(2, 3, 0, 0xAB12);
        byte[] d16 = new Preprocessor(0, 7, 5, 1, LIMIT).fromFile(TestImages.encode(g16, "png"));
        assertEquals(0xAB, px(d16, 0, 7, 5, 2, 3));
        assertEquals(0, px(d16, 0, 7, 5, 0, 0));
        // RGBA: alpha dropped, color kept
        byte[] a = keep.fromFile(TestImages.encode(TestImages.rgba(7, 5, 200, 100, 50, 64), "png"));
        assertArrayEquals(new int[] {200, 100, 50}, new int[] {px(a, 0, 7, 5, 1, 1), px(a, 1, 7, 5, 1, 1),
            px(a, 2, 7, 5, 1, 1)});
        // palette PNG and GIF: indices resolved through the palette
        for (String format : new String[] {"png", "gif"}) {
            // (the JDK's GIF writer garbles images this small as 8x4, so 64x32)
            byte[] p = new Preprocessor(0, 64, 32, 3, LIMIT).fromFile(
                    TestImages.encode(TestImages.palette(64, 32, 0xFF0000, 0x0000FF), format));
            assertEquals(255, px(p, 0, 64, 32, 0, 0), format);
            assertEquals(0, px(p, 2, 64, 32, 0, 0), format);
            assertEquals(0, px(p, 0, 64, 32, 63, 31), format);
            assertEquals(255, px(p, 2, 64, 32, 63, 31), format);
        }
        // color to one channel: ITU-R 601 luma
        byte[] l = new Preprocessor(0, 7, 5, 1, LIMIT).fromFile(TestImages.encode(TestImages.rgba(7, 5, 200, 100, 50, 255), "png"));
        assertEquals(Math.round(200 * 0.299 + 100 * 0.587 + 50 * 0.114), px(l, 0, 7, 5, 0, 0));
    }

    @Test
    void jpegDecodesCloseToTheOriginal() throws Exception {
        byte[] out = new Preprocessor(0, 33, 17, 3, LIMIT).fromFile(TestImages.encode(TestImages.rgb(33, 17, 100, 50, 150), "jpeg"));
        assertTrue(Math.abs(px(out, 0, 33, 17, 16, 8) - 116) < 12, "red " + px(out, 0, 33, 17, 16, 8));
        assertTrue(Math.abs(px(out, 2, 33, 17, 16, 8) - 150) < 12, "blue " + px(out, 2, 33, 17, 16, 8));
        byte[] gray = new Preprocessor(0, 33, 17, 1, LIMIT).fromFile(TestImages.encode(TestImages.gray(33, 17, 40), "jpeg"));
        assertTrue(Math.abs(px(gray, 0, 33, 17, 10, 10) - 60) < 8, "gray " + px(gray, 0, 33, 17, 10, 10));
    }

    @Test
    void shrinkingAveragesTheAreaUnderEachPixel() throws Exception {
        // 2x2 checkerboard cells of 0 and 255 shrunk by exactly 2: every output pixel averages two of each
        BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                img.getRaster().setSample(x, y, 0, (x + y) % 2 == 0 ? 255 : 0);
            }
        }
        byte[] out = new Preprocessor(32, 0, 0, 1, LIMIT).fromFile(TestImages.encode(img, "png"));
        assertEquals(32 * 32, out.length);
        for (byte b : out) {
            assertEquals(128, b & 0xFF, "area average of a checkerboard");
        }
    }

    @Test
    void shorterSideResizeThenCenterCrop() throws Exception {
        // 60x30: left third red, middle third green, right third blue; crop to the middle 30x30 -> 10x10
        BufferedImage img = new BufferedImage(60, 30, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < 30; y++) {
            for (int x = 0; x < 60; x++) {
                img.setRGB(x, y, x < 15 ? 0xFF0000 : x < 45 ? 0x00FF00 : 0x0000FF);
            }
        }
        byte[] out = new Preprocessor(10, 0, 0, 3, LIMIT).fromFile(TestImages.encode(img, "png"));
        for (int y = 0; y < 10; y++) {
            for (int x = 0; x < 10; x++) {
                assertEquals(0, px(out, 0, 10, 10, x, y), "red cut away");
                assertEquals(255, px(out, 1, 10, 10, x, y), "the green center is kept");
            }
        }
        // odd sizes and enlarging (bilinear) keep a constant image constant
        byte[] up = new Preprocessor(40, 0, 0, 3, LIMIT).fromFile(TestImages.encode(TestImages.solid(13, 9, 0x0963C7), "bmp"));
        for (int i = 0; i < 40 * 40; i++) {
            assertEquals(99, up[40 * 40 + i] & 0xFF);
        }
        // shrinking by a non-integer factor (77 -> 30) keeps it constant too: the weights sum to 1
        byte[] down = new Preprocessor(30, 0, 0, 3, LIMIT).fromFile(TestImages.encode(TestImages.solid(100, 77, 0x0963C7), "png"));
        for (int i = 0; i < 30 * 30; i++) {
            assertEquals(9, down[i] & 0xFF);
            assertEquals(199, down[2 * 30 * 30 + i] & 0xFF);
        }
    }

    @Test
    void badInputsAreRefusedWithAReason() {
        byte[] jpeg = TestImages.encode(TestImages.rgb(120, 90, 0, 0, 0), "jpeg");
        byte[] png = TestImages.encode(TestImages.rgb(120, 90, 0, 0, 0), "png");
        Preprocessor pre = new Preprocessor(16, 0, 0, 3, LIMIT);
        assertEquals("empty file", assertThrows(BadInputException.class, () -> pre.fromFile(new byte[0])).getMessage());
        assertTrue(assertThrows(BadInputException.class,
                () -> pre.fromFile("hello, not an image".getBytes(StandardCharsets.UTF_8))).getMessage()
                .startsWith("not an image"));
        String jpegReason = assertThrows(BadInputException.class,
                () -> pre.fromFile(TestImages.truncated(jpeg, 0.5))).getMessage();
        assertTrue(jpegReason.contains("JPEG"), jpegReason);
        String pngReason = assertThrows(BadInputException.class,
                () -> pre.fromFile(TestImages.truncated(png, 0.6))).getMessage();
        assertTrue(pngReason.contains("PNG"), pngReason);
        String huge = assertThrows(BadInputException.class,
                () -> pre.fromFile(TestImages.pngClaiming(10_000, 8_000))).getMessage();
        assertTrue(huge.contains("10000x8000 = 80.0 megapixels") && huge.contains("prepare.max-pixels"), huge);
        String wrongSize = assertThrows(BadInputException.class,
                () -> new Preprocessor(0, 28, 28, 1, LIMIT).fromFile(png)).getMessage();
        assertTrue(wrongSize.contains("120x90") && wrongSize.contains("28x28"), wrongSize);
    }
}
