package io.resnetspark.predict.remote;

import io.resnetspark.data.format.ImageCell;
import io.resnetspark.storage.RemoteStorage;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;

/** The inputs {@link ScoreImages} reads: image files by URI, or the image cell of a table row. */
public final class ImageInputs {
    private ImageInputs() {
    }

    /** An image file at a URI, read through the executors' Hadoop settings. */
    public static ScoreImages.Input<String> files(RemoteStorage storage) {
        return (path, pre) -> pre.fromFile(storage.storage().readBytes(new Path(path)));
    }

    /** The image cell (file bytes or Spark's image struct) at {@code column} of a row. */
    public static ScoreImages.Input<Row> cell(int column) {
        return (row, pre) -> ImageCell.pixels(row.get(column), pre);
    }
}
