package io.resnetspark.predict;

import io.resnetspark.config.JobConfig;
import io.resnetspark.data.TableSource;

/** The {@code predict.*} keys (and {@code table.*} for a table of images), checked before any Spark work. */
public record PredictSettings(String model, String images, String out, int topK, int batch, int partitions,
                              long maxPixels, boolean overwrite, boolean foldBatchNorm, TableSource.Columns table) {

    public static PredictSettings from(JobConfig c) {
        return new PredictSettings(
                c.require("predict.model", "model to predict with (--model: an export directory or a model .zip)"),
                c.require("predict.images", "images to predict (--images: a directory, a .txt list of URIs, or a "
                        + "Parquet table with --format parquet)"),
                c.require("predict.out", "output location (--out)"),
                c.getInt("predict.top-k", 1, 1000),
                c.getInt("predict.batch", 1, 4096),
                c.getInt("predict.partitions", 0, 1_000_000),
                c.getLong("prepare.max-pixels"),
                c.getBoolean("predict.overwrite"),
                c.getBoolean(io.resnetspark.scoring.ModelPool.FOLD_BATCH_NORM),
                c.getChoice("predict.format", "files", "parquet").equals("parquet") ? TableSource.Columns.from(c) : null);
    }
}
