package io.resnetspark.predict;

import io.resnetspark.common.Progress;
import io.resnetspark.common.ProgressPoller;
import io.resnetspark.common.UserError;
import io.resnetspark.model.ModelMetadata;
import io.resnetspark.predict.remote.PredictPartition;
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
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Batch inference on raw images, on the driver side: list the images, ship the model bytes once
 * (broadcast), let executors decode, preprocess exactly as prepare did, and score; write Parquet and
 * CSV rows (path, top-k classes and probabilities, or an error), then {@code _SUCCESS}.
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
        List<String> images = list(storage, Storage.path(s.images()));
        if (images.isEmpty()) {
            throw new UserError("no files found under " + s.images() + " (hidden files, starting with . or _, are ignored)");
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<byte[]> modelBytes = jsc.broadcast(model);
        // a task holds its partition's rows until they are stored: at most 16 batches' worth each by default,
        // so executor memory does not grow with the number of images
        int partitions = Partitions.of(jsc, images.size(), 16L * s.batch(), s.batch(), s.partitions());
        JavaRDD<String> paths = jsc.parallelize(images, partitions);
        // a model with fewer classes than top-k lists all of them; rows and schema must agree
        int topK = Math.min(s.topK(), meta.classes().size());
        PredictPartition fn = new PredictPartition(modelBytes, Storage.sha256(model), meta, topK, s.batch(),
                s.maxPixels(), new RemoteStorage(hadoopSettings));
        Progress progress = new Progress("predict", "images", images.size());
        org.apache.spark.util.LongAccumulator done = jsc.sc().longAccumulator("predicted");
        fn = fn.counting(done).foldingBatchNorm(s.foldBatchNorm());
        JavaRDD<Row> rows = paths.mapPartitions(fn);
        // written twice and counted once; on local disk, so executor memory stays flat however many images
        Dataset<Row> df = spark.createDataFrame(rows, schema(topK)).persist(StorageLevel.DISK_ONLY());
        long failed;
        try (ProgressPoller watcher = new ProgressPoller(progress, images.size(), done::value, null)) {
            storage.delete(out);
            df.write().mode(SaveMode.Overwrite).parquet(new Path(out, "parquet").toString());
            df.write().mode(SaveMode.Overwrite).option("header", "true").csv(new Path(out, "csv").toString());
            failed = df.filter(df.col("error").isNotNull()).count();
        } finally {
            df.unpersist();
            modelBytes.destroy();
        }
        progress.update(images.size(), failed + " failed");
        storage.markCommitted(out);
        return new Result(images.size(), failed, out.toString());
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
