package io.resnetspark.data;

import io.resnetspark.common.UserError;
import io.resnetspark.data.format.BadInputException;
import io.resnetspark.data.format.DecodedItem;
import io.resnetspark.data.format.ImageCell;
import io.resnetspark.data.format.PrepareItem;
import io.resnetspark.data.format.SplitHash;
import io.resnetspark.data.remote.DecodePartition;
import io.resnetspark.data.remote.TableDecode;
import io.resnetspark.data.remote.TableRows;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;

/**
 * A Parquet table of images (a file or a directory, on any Hadoop path): a column of image file bytes or
 * Spark's image struct, a label column of class names or class indices, and optionally a split column
 * and an id column. The driver lists the rows through Spark without reading the image column (file and
 * row number, label, split, id of each row: as small as an ImageFolder's file list), in the order of
 * file and row number; executors then read the images and decode them as image files are decoded.
 */
public final class TableSource {

    /** The columns of an image table ({@code table.*}); "" = the table has no such column. */
    public record Columns(String image, String label, String split, String id) implements Serializable {
        public static Columns from(io.resnetspark.config.JobConfig c) {
            return new Columns(c.require("table.image-column", "image column of the table (--image-col)"),
                    c.getString("table.label-column").trim(), c.getString("table.split-column").trim(),
                    c.getString("table.id-column").trim());
        }
    }

    /** A listed table: what prepare reads again, with the images, to decode it. */
    public record Table(Dataset<Row> rows, TableRows describe) {
        /** The decode pass over the rows that {@code items} lists, in at least {@code partitions} tasks. */
        JavaRDD<DecodedItem> decode(JavaSparkContext jsc, List<PrepareItem> items, DecodePartition decoder,
                                    int partitions) {
            Broadcast<HashMap<String, int[]>> indexOf = jsc.broadcast(TableRows.indexOf(items));
            JavaRDD<Row> in = rows.javaRDD();
            // a file of small images is one task: spread the rows so every core decodes
            if (in.getNumPartitions() < partitions) {
                in = in.repartition(partitions);
            }
            return in.mapPartitions(new TableDecode(describe, indexOf, decoder));
        }

        /** The size of the first image that has one, for prepare.size = 0. */
        int[] firstImageSize() {
            for (Row r : rows.select(functions.col("image")).where(functions.col("image").isNotNull()).limit(20)
                    .collectAsList()) {
                try {
                    return ImageCell.size(r.get(0));
                } catch (BadInputException e) {
                    // try the next one
                }
            }
            return new int[] {0, 0};
        }
    }

    private TableSource() {
    }

    public static SourceListing list(SparkSession spark, Path source, SplitHash hash, List<String> configuredClasses,
                                     Columns cols) {
        Dataset<Row> t = read(spark, source, "prepare.source");
        String root = source.toString();
        require(t, source, cols.image(), "table.image-column");
        require(t, source, cols.label(), "table.label-column");
        String imageKind = ImageCell.kind(type(t, cols.image()));
        if (imageKind == null) {
            throw new UserError("column '" + cols.image() + "' of " + source + " is " + type(t, cols.image()).simpleString()
                    + "; table.image-column must name a binary column of image file bytes or Spark's image struct");
        }
        DataType labelType = type(t, cols.label());
        boolean named = labelType instanceof StringType;
        if (!named && !(labelType instanceof NumericType)) {
            throw new UserError("column '" + cols.label() + "' of " + source + " is " + labelType.simpleString()
                    + "; table.label-column must name a column of class names (string) or class indices (a number)");
        }
        if (!cols.split().isEmpty()) {
            require(t, source, cols.split(), "table.split-column");
        }
        if (!cols.id().isEmpty()) {
            require(t, source, cols.id(), "table.id-column");
        }
        Column label = functions.col(cols.label());
        List<String> classes = configuredClasses;
        if (classes.isEmpty() && named) {
            classes = new ArrayList<>();
            for (Row r : t.select(label).where(label.isNotNull()).distinct().collectAsList()) {
                classes.add(r.getString(0));
            }
            classes.sort(null);
        } else if (classes.isEmpty()) {
            Row max = t.select(functions.max(label.cast(DataTypes.DoubleType))).first();
            classes = max.isNullAt(0) ? List.of()
                    : KnownDatasets.numbered((int) Math.max(0, Math.floor(Math.min(max.getDouble(0), 1 << 20)) + 1));
        }
        TableRows describe = new TableRows(root, hash, cols.label(), cols.split(), classes, named);
        Dataset<Row> rows = t.select(
                functions.col("_metadata.file_path").as("file"),
                functions.col("_metadata.row_index").as("row"),
                label.as("label"),
                cols.split().isEmpty() ? functions.lit(null).cast(DataTypes.StringType).as("split")
                        : functions.col(cols.split()).cast(DataTypes.StringType).as("split"),
                cols.id().isEmpty() ? functions.lit(null).cast(DataTypes.StringType).as("id")
                        : functions.col(cols.id()).cast(DataTypes.StringType).as("id"),
                functions.col(cols.image()).as("image"));
        // the listing reads every column but the images
        List<PrepareItem> items = new ArrayList<>(rows.drop("image").javaRDD().map(describe).collect());
        items.sort(Comparator.<PrepareItem, String>comparing(i -> i.tableFile).thenComparingLong(i -> i.tableRow));
        for (int i = 0; i < items.size(); i++) {
            items.get(i).index = i;
        }
        String rule = !cols.split().isEmpty() ? "column " + cols.split() : String.format(Locale.ROOT,
                "hash of the row name (%s; val %.3f, test %.3f)", cols.id().isEmpty() ? "file#row" : "column "
                        + cols.id(), hash.val(), hash.test());
        return new SourceListing(List.copyOf(classes), items, null, 0, 0, rule, List.of(), new Table(rows, describe));
    }

    /** A Parquet table at {@code source}, or one sentence naming {@code key}. */
    public static Dataset<Row> read(SparkSession spark, Path source, String key) {
        try {
            return spark.read().parquet(source.toString());
        } catch (Exception e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().split("\n")[0];
            throw new UserError(key + " " + source + " is not a readable Parquet table: " + why, e);
        }
    }

    /** One sentence naming the key when the table has no column {@code name}. */
    public static void require(Dataset<Row> t, Path source, String name, String key) {
        if (name.isEmpty()) {
            throw new UserError("no column given: set " + key + " (columns of " + source + ": "
                    + String.join(", ", t.columns()) + ")");
        }
        if (!List.of(t.columns()).contains(name)) {
            throw new UserError(key + " names column '" + name + "', which " + source + " does not have (columns: "
                    + String.join(", ", t.columns()) + ")");
        }
    }

    private static DataType type(Dataset<Row> t, String column) {
        for (StructField f : t.schema().fields()) {
            if (f.name().equals(column)) {
                return f.dataType();
            }
        }
        throw new IllegalArgumentException(column);
    }
}
