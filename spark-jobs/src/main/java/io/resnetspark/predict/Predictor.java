package io.resnetspark.predict;

import io.resnetspark.common.Progress;
import io.resnetspark.common.ProgressPoller;
import io.resnetspark.common.UserError;
import io.resnetspark.model.ModelMetadata;
import io.resnetspark.data.TableSource;
import io.resnetspark.data.format.RowName;
import io.resnetspark.predict.remote.ImageInputs;
import io.resnetspark.predict.remote.ImageScorer;
import io.resnetspark.predict.remote.ScoreImages;
import io.resnetspark.predict.remote.TopClasses;
import io.resnetspark.spark.Partitions;
import io.resnetspark.storage.ModelFile;
import io.resnetspark.storage.RemoteStorage;
import io.resnetspark.storage.Storage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Batch inference on raw images, on the driver side: list the images (files, or the rows of a Parquet
 * table of images), ship the model bytes once (broadcast), let executors decode, preprocess exactly as
 * prepare did, and score; write Parquet and CSV rows (path or row name, top-k classes and
 * probabilities, or an error), then {@code _SUCCESS}.
 */
public final class Predictor {

    private Predictor() {
    }

    /** What a run did; {@code images} is -1 when the output was already complete and nothing ran. */
    public record Result(long images, long failed, String out) {
        public boolean skipped() {
            return images < 0;
        }
    }

    public static Result run(SparkSession spark, Storage storage, Map<String, String> hadoopSettings,
                             PredictSettings s) throws IOException {
        Path out = Storage.path(s.out());
        if (storage.committed(out) && !s.overwrite()) {
            return new Result(-1, -1, out.toString());
        }
        Path modelZip = modelZip(storage, s.model());
        ModelFile file = ModelFile.read(storage, modelZip);
        byte[] model = file.zip();
        ModelMetadata meta = file.metadata();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        // a model with fewer classes than top-k lists all of them; rows and schema must agree
        int topK = Math.min(s.topK(), meta.classes().size());
        Broadcast<byte[]> modelBytes = jsc.broadcast(model);
        ImageScorer scorer = new ImageScorer(modelBytes, Storage.sha256(model), meta, s.maxPixels(), s.foldBatchNorm());
        org.apache.spark.util.LongAccumulator done = jsc.sc().longAccumulator("predicted");
        JavaRDD<Row> rows;
        long inputs;
        if (s.table() == null) {
            List<String> images = list(storage, Storage.path(s.images()));
            if (images.isEmpty()) {
                throw new UserError("no files found under " + s.images()
                        + " (hidden files, starting with . or _, are ignored)");
            }
            inputs = images.size();
            rows = jsc.parallelize(images, partitions(jsc, inputs, s)).mapPartitions(new ScoreImages<>(scorer,
                    s.batch(), ImageInputs.files(new RemoteStorage(hadoopSettings)),
                    new TopClasses<String>(meta.classes(), topK, p -> p)).counting(done));
        } else {
            Dataset<Row> table = tableRows(spark, s);
            inputs = table.count();
            JavaRDD<Row> in = table.javaRDD();
            int parts = partitions(jsc, inputs, s);
            if (in.getNumPartitions() < parts) {
                in = in.repartition(parts);
            }
            rows = in.mapPartitions(new ScoreImages<>(scorer, s.batch(), ImageInputs.cell(1),
                    new TopClasses<Row>(meta.classes(), topK, r -> r.getString(0))).counting(done));
        }
        Progress progress = new Progress("predict", "images", inputs);
        // written twice and counted once; on local disk, so executor memory stays flat however many images
        Dataset<Row> df = spark.createDataFrame(rows, schema(topK)).persist(StorageLevel.DISK_ONLY());
        long failed;
        try (ProgressPoller watcher = new ProgressPoller(progress, inputs, done::value, null)) {
            storage.delete(out);
            df.write().mode(SaveMode.Overwrite).parquet(new Path(out, "parquet").toString());
            df.write().mode(SaveMode.Overwrite).option("header", "true").csv(new Path(out, "csv").toString());
            failed = df.filter(df.col("error").isNotNull()).count();
        } finally {
            df.unpersist();
            modelBytes.destroy();
        }
        progress.update(inputs, failed + " failed");
        storage.markCommitted(out);
        return new Result(inputs, failed, out.toString());
    }

    /**
     * A task holds its partition's rows until they are stored: at most 16 batches' worth each by default,
     * so executor memory does not grow with the number of images.
     */
    private static int partitions(JavaSparkContext jsc, long inputs, PredictSettings s) {
        return Partitions.of(jsc, inputs, 16L * s.batch(), s.batch(), s.partitions());
    }

    /** A table's rows as (name, image cell): named by the id column, else by file and row number. */
    static Dataset<Row> tableRows(SparkSession spark, PredictSettings s) {
        Path source = Storage.path(s.images());
        Dataset<Row> t = TableSource.read(spark, source, "predict.images");
        TableSource.require(t, source, s.table().image(), "table.image-column");
        String root = source.toString();
        Column id;
        if (s.table().id().isEmpty()) {
            id = functions.lit(null).cast(DataTypes.StringType);
        } else {
            TableSource.require(t, source, s.table().id(), "table.id-column");
            id = functions.col(s.table().id()).cast(DataTypes.StringType);
        }
        Dataset<Row> keyed = t.select(id.as("id"), functions.col("_metadata.file_path").as("file"),
                functions.col("_metadata.row_index").as("row"), functions.col(s.table().image()).as("image"));
        StructType schema = DataTypes.createStructType(List.of(
                DataTypes.createStructField("name", DataTypes.StringType, false),
                keyed.schema().apply("image")));
        return spark.createDataFrame(keyed.javaRDD().map(r -> RowFactory.create(
                RowName.of(r.get(0), r.getString(1), r.getLong(2), root), r.get(3))), schema);
    }

    static StructType schema(int topK) {
        List<StructField> f = new ArrayList<>();
        f.add(DataTypes.createStructField("path", DataTypes.StringType, false));
        f.add(DataTypes.createStructField("error", DataTypes.StringType, true));
        for (int k = 1; k <= topK; k++) {
            f.add(DataTypes.createStructField("class_" + k, DataTypes.StringType, true));
            f.add(DataTypes.createStructField("prob_" + k, DataTypes.DoubleType, true));
        }
        return DataTypes.createStructType(f);
    }

    /** An exported model directory (model.zip inside, committed) or a model zip. */
    static Path modelZip(Storage storage, String uri) {
        Path p = Storage.path(uri);
        if (p.getName().toLowerCase(Locale.ROOT).endsWith(".zip")) {
            if (!storage.exists(p)) {
                throw new UserError("model " + p + " does not exist");
            }
            return p;
        }
        Path zip = new Path(p, "model.zip");
        if (!storage.committed(p)) {
            throw new UserError("model " + p + " is not a complete export (no _SUCCESS); export it again or give a"
                    + " model .zip");
        }
        return zip;
    }

    /** Image files under a directory (recursively), or the lines of a .txt/.lst file of URIs. */
    static List<String> list(Storage storage, Path images) throws IOException {
        String name = images.getName().toLowerCase(Locale.ROOT);
        List<String> out = new ArrayList<>();
        if (name.endsWith(".txt") || name.endsWith(".lst")) {
            for (String line : storage.readString(images).split("\n")) {
                if (!line.isBlank()) {
                    out.add(Storage.path(line.trim()).toString());
                }
            }
            return out;
        }
        if (!storage.exists(images)) {
            throw new UserError("images " + images + " do not exist");
        }
        FileSystem fs = storage.fs(images);
        if (fs.getFileStatus(images).isFile()) {
            return List.of(images.toString());
        }
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(images, true);
        while (it.hasNext()) {
            Path p = it.next().getPath();
            String n = p.getName().toLowerCase(Locale.ROOT);
            if (!n.startsWith(".") && !n.startsWith("_")) {
                out.add(p.toString());
            }
        }
        out.sort(null);
        return out;
    }
}
