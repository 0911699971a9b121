package io.resnetspark.data;

import io.resnetspark.common.UserError;
import io.resnetspark.config.JobConfig;
import io.resnetspark.data.format.SplitHash;
import java.util.List;

/** The {@code prepare.*} keys, validated before any Spark work; each problem is one sentence naming its key. */
public record PrepareSettings(String source, String format, String out, int size, int channels, int batch,
                              double valFraction, double testFraction, long splitSeed, boolean overwrite,
                              int partitions, long maxPixels, List<String> classes, CsvSource.Columns csv,
                              int maxPerSplit, TableSource.Columns table, int resizeShorter) {

    public static PrepareSettings from(JobConfig c) {
        String source = c.require("prepare.source", "source data (--source)");
        String format = c.getChoice("prepare.format", "imagefolder", "idx", "csv", "parquet");
        String out = c.require("prepare.out", "output location (--out)");
        int size = c.getInt("prepare.size", 0, 4096);
        if (size > 0 && size < 8) {
            throw new UserError("configuration key 'prepare.size' must be 0 (keep the source size) or 8..4096, got "
                    + size);
        }
        int channels = c.getInt("prepare.channels", 0, 3);
        if (channels == 2) {
            throw new UserError("configuration key 'prepare.channels' must be 0 (from the data), 1 or 3, got 2");
        }
        int batch = c.getInt("prepare.batch", 1, 1 << 16);
        double val = c.getDouble("prepare.val-fraction", 0, 1);
        double test = c.getDouble("prepare.test-fraction", 0, 1);
        if (val + test >= 1) {
            throw new UserError("configuration keys 'prepare.val-fraction' + 'prepare.test-fraction' must sum to less "
                    + "than 1 so that something is left to train on, got " + val + " + " + test);
        }
        long seed = c.getLong("prepare.split-seed");
        boolean overwrite = c.getBoolean("prepare.overwrite");
        int partitions = c.getInt("prepare.partitions", 0, 1_000_000);
        long maxPixels = c.getLong("prepare.max-pixels");
        if (maxPixels < 1) {
            throw new UserError("configuration key 'prepare.max-pixels' must be at least 1, got " + maxPixels);
        }
        List<String> classes = c.getStringList("prepare.classes");
        if (classes.stream().anyMatch(String::isBlank) || classes.stream().distinct().count() != classes.size()) {
            throw new UserError("configuration key 'prepare.classes' must list distinct, non-empty class names");
        }
        if (!classes.isEmpty() && format.equals("imagefolder")) {
            throw new UserError("configuration key 'prepare.classes' applies to idx, csv and parquet sources; an "
                    + "ImageFolder's classes are its folder names");
        }
        CsvSource.Columns csv = new CsvSource.Columns(
                c.require("prepare.csv.label-column", "csv label column"),
                c.require("prepare.csv.pixels-column", "csv pixels column"),
                c.getString("prepare.csv.split-column").trim());
        String src = io.resnetspark.storage.Storage.path(source).toString().replaceAll("/+$", "");
        String dst = io.resnetspark.storage.Storage.path(out).toString().replaceAll("/+$", "");
        if (dst.equals(src) || dst.startsWith(src + "/")) {
            throw new UserError("configuration key 'prepare.out' (" + out + ") must not be inside prepare.source");
        }
        return new PrepareSettings(src, format, dst, size, channels, batch, val, test, seed, overwrite, partitions,
                maxPixels, classes, csv, c.getInt("prepare.max-per-split", 0, Integer.MAX_VALUE),
                format.equals("parquet") ? TableSource.Columns.from(c) : null, resizeShorter(c, size));
    }

    private static int resizeShorter(JobConfig c, int size) {
        int r = c.getInt("prepare.resize-shorter", 0, 16384);
        if (r > 0 && (size == 0 || r < size)) {
            throw new UserError("configuration key 'prepare.resize-shorter' (" + r + ") needs prepare.size set to the"
                    + " crop, at most " + r + " (torchvision's eval transform: resize-shorter = 256, size = 224)");
        }
        return r;
    }

    public SplitHash splitHash() {
        return new SplitHash(splitSeed, valFraction, testFraction);
    }
}
