package io.resnetspark.data.format;

import java.util.Locale;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/**
 * One cell of an image column in a table: the bytes of an image file (what Spark's {@code binaryFile}
 * source reads into {@code content}, or a data lake's binary column), or Spark's image struct (what the
 * {@code image} source reads: {@code origin, height, width, nChannels, mode, data} with BGR(A) bytes in
 * row-major order). Both become uint8 CHW through the same {@link Preprocessor} as image files.
 */
public final class ImageCell {
    private ImageCell() {
    }

    /** Whether a column of this type holds images, and which kind; null when it holds neither. */
    public static String kind(DataType type) {
        if (type instanceof BinaryType) {
            return "binary";
        }
        if (type instanceof StructType s && java.util.Arrays.asList(s.fieldNames()).containsAll(
                java.util.List.of("height", "width", "nChannels", "data"))) {
            return "image struct";
        }
        return null;
    }

    /** The cell as uint8 CHW pixels, preprocessed; a cell that is not a usable image is a {@link BadInputException}. */
    public static byte[] pixels(Object cell, Preprocessor pre) throws BadInputException {
        if (cell == null) {
            throw new BadInputException("the image cell is empty (null)");
        }
        if (cell instanceof byte[] encoded) {
            return pre.fromFile(encoded);
        }
        if (cell instanceof Row image) {
            return pre.fromPlanes(planes(image, pre.maxPixels()));
        }
        throw new BadInputException("the image cell holds a " + cell.getClass().getSimpleName()
                + ", neither image file bytes nor Spark's image struct");
    }

    /** Width and height of a cell without preprocessing it (for a table whose images keep their size). */
    public static int[] size(Object cell) throws BadInputException {
        if (cell instanceof byte[] encoded) {
            return ImageDecoder.size(encoded);
        }
        if (cell instanceof Row image && !image.isNullAt(image.fieldIndex("width"))) {
            return new int[] {image.getInt(image.fieldIndex("width")), image.getInt(image.fieldIndex("height"))};
        }
        throw new BadInputException("not an image");
    }

    /** Spark's image struct (BGR or BGRA interleaved, or one gray channel) as RGB or gray planes. */
    static ImageDecoder.Planes planes(Row image, long maxPixels) throws BadInputException {
        int h = image.getInt(image.fieldIndex("height"));
        int w = image.getInt(image.fieldIndex("width"));
        int c = image.getInt(image.fieldIndex("nChannels"));
        byte[] data = image.getAs("data");
        if (w <= 0 || h <= 0 || data == null) {
            // the image source's own marker of a file it could not decode (dropInvalid = false)
            throw new BadInputException("the image struct holds no image (" + w + "x" + h + ")");
        }
        if ((long) w * h > maxPixels) {
            throw new BadInputException(String.format(Locale.ROOT,
                    "image is %dx%d = %.1f megapixels, above the limit of %.1f (prepare.max-pixels)", w, h,
                    w * (double) h / 1e6, maxPixels / 1e6));
        }
        if ((c != 1 && c != 3 && c != 4) || data.length != (long) w * h * c) {
            throw new BadInputException("the image struct says " + w + "x" + h + "x" + c + " but holds " + data.length
                    + " bytes");
        }
        int n = w * h;
        if (c == 1) {
            return new ImageDecoder.Planes(new byte[][] {data.clone()}, w, h);
        }
        byte[][] rgb = new byte[3][n];
        for (int i = 0; i < n; i++) {
            rgb[0][i] = data[i * c + 2];
            rgb[1][i] = data[i * c + 1];
            rgb[2][i] = data[i * c];
        }
        return new ImageDecoder.Planes(rgb, w, h);
    }
}
