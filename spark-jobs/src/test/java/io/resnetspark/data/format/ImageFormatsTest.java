package io.resnetspark.data.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.resnetspark.testing.Python;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The formats real image folders hold besides the JDK's own: CMYK JPEG (ImageNet's training set has about twenty),
 * TIFF and WebP, decoded by the TwelveMonkeys plugins. The files are written by Debian's python3-pil (libjpeg,
 * libtiff, libwebp) from one 24x16 picture: the left half red, the right half blue, the bottom four rows green.
 */
class ImageFormatsTest {
    private static final long LIMIT = 50_000_000L;

    @TempDir
    static Path dir;

    @BeforeAll
    static void writeFiles() {
        Python.script("image_formats.py", dir, dir.resolve("images").toString());
    }

    static byte[] resource(String name) throws Exception {
        return Files.readAllBytes(dir.resolve("images").resolve(name));
    }

    /** The pixel at (x, y) as {r, g, b}. */
    static int[] rgb(byte[] chw, int w, int h, int x, int y) {
        int[] p = new int[3];
        for (int c = 0; c < 3; c++) {
            p[c] = chw[c * w * h + y * w + x] & 0xFF;
        }
        return p;
    }

    static void assertColour(String file, int[] px, int[] expected) {
        for (int c = 0; c < 3; c++) {
            assertTrue(Math.abs(px[c] - expected[c]) <= 45, file + ": channel " + c + " is " + px[c] + ", expected about "
                    + expected[c] + " (" + java.util.Arrays.toString(px) + ")");
        }
    }

    @Test
    void cmykJpegTiffAndWebpDecodeToTheirColours() throws Exception {
        Preprocessor keep = new Preprocessor(0, 24, 16, 3, LIMIT);
        for (String file : new String[] {"cmyk.jpg", "rgb.tiff", "cmyk.tiff", "lossless.webp", "lossy.webp"}) {
            byte[] out = keep.fromFile(resource(file));
            assertEquals(3 * 24 * 16, out.length, file);
            assertColour(file, rgb(out, 24, 16, 3, 3), new int[] {220, 30, 30});
            assertColour(file, rgb(out, 24, 16, 20, 3), new int[] {30, 30, 220});
            assertColour(file, rgb(out, 24, 16, 10, 14), new int[] {0, 200, 0});
        }
        // the lossless formats keep every value
        for (String file : new String[] {"rgb.tiff", "lossless.webp"}) {
            byte[] out = keep.fromFile(resource(file));
            assertEquals(java.util.List.of(220, 30, 30), java.util.Arrays.stream(rgb(out, 24, 16, 0, 0)).boxed().toList(),
                    file);
        }
        byte[] gray = new Preprocessor(0, 24, 16, 1, LIMIT).fromFile(resource("gray.tiff"));
        assertEquals(24 * 16, gray.length);
        // ITU-R 601 luma of (220, 30, 30), as PIL's convert("L") computed it
        assertTrue(Math.abs((gray[3 * 24 + 3] & 0xFF) - 86) <= 1, "gray " + (gray[3 * 24 + 3] & 0xFF));
    }

    @Test
    void readerWarningsAboutAValidImageAreNotDamage() {
        // what the CMYK JPEG reader says about a file without an embedded colour profile: a note, not damage
        assertFalse(ImageDecoder.damage("No embedded ICC color profile, will convert using inaccurate CMYK to RGB"
                + " conversion"));
        assertFalse(ImageDecoder.damage("Corrupt JPEG data: 3 extraneous bytes before marker 0xd9"));
        // libjpeg's words for a stream that was cut or garbled
        assertTrue(ImageDecoder.damage("Premature end of JPEG file"));
        assertTrue(ImageDecoder.damage("Corrupt JPEG data: premature end of data segment"));
        assertTrue(ImageDecoder.damage("Corrupt JPEG data: bad Huffman code"));
    }
}
