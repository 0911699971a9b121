package io.resnetspark.ml;

import io.resnetspark.model.ModelMetadata;
import io.resnetspark.predict.remote.ClassifierColumns;
import io.resnetspark.predict.remote.ImageInputs;
import io.resnetspark.predict.remote.ImageScorer;
import io.resnetspark.predict.remote.ScoreImages;
import io.resnetspark.storage.ModelFile;
import io.resnetspark.storage.Storage;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import scala.Option;

/**
 * A trained ResNet as a spark.ml {@link Model}: {@code transform} scores the image column on the executors
 * with the network's batch norms folded into its convolutions (the scoring that {@code predict} runs), and
 * appends the predicted class index, the probabilities and the logits. The model is the same zip the
 * commands write (DL4J graph plus metadata: options, class names, normalization), so it can also be
 * evaluated, exported or predicted with by the commands; {@link #write()} stores it beside Spark's param
 * metadata, so a {@code PipelineModel} holding it saves and loads on any Hadoop path.
 */
public final class ResNetClassificationModel extends Model<ResNetClassificationModel>
        implements ScoringParams<ResNetClassificationModel>, MLWritable {
    private static final long serialVersionUID = 1L;
    /** The model zip inside a saved model's directory. */
    static final String MODEL_ZIP = "data/model.zip";

    private final String uid;
    private final byte[] zip;
    private transient ModelFile file;
    private transient Broadcast<byte[]> broadcast;

    public ResNetClassificationModel(String uid, byte[] zip) {
        this.uid = uid;
        this.zip = zip;
        scoringDefaults();
    }

    @Override
    public String uid() {
        return uid;
    }

    /** The model zip, as {@code evaluate}, {@code export} and {@code predict --model} read it. */
    public byte[] modelZip() {
        return zip.clone();
    }

    /** Class names in label order: the label indexer's labels when fit was given them. */
    public List<String> classes() {
        return metadata().classes();
    }

    public int numClasses() {
        return classes().size();
    }

    public ModelMetadata metadata() {
        return file().metadata();
    }

    private synchronized ModelFile file() {
        if (file == null) {
            file = ModelFile.of(new Path("memory:/" + uid + ".zip"), zip);
        }
        return file;
    }

    @Override
    public StructType transformSchema(StructType schema) {
        return outputSchema(schema, classes());
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType out = transformSchema(dataset.schema());
        Dataset<Row> df = dataset.toDF();
        ImageScorer scorer = new ImageScorer(broadcast(df.sparkSession().sparkContext()), file().sha256(), metadata(),
                MAX_PIXELS, true);
        ClassifierColumns columns = new ClassifierColumns(!getPredictionCol().isEmpty(),
                !getProbabilityCol().isEmpty(), !getRawPredictionCol().isEmpty(), getHandleInvalid(), getImageCol());
        JavaRDD<Row> rows = df.javaRDD().mapPartitions(new ScoreImages<>(scorer, getBatchSize(),
                ImageInputs.cell(df.schema().fieldIndex(getImageCol())), columns));
        return df.sparkSession().createDataFrame(rows, out);
    }

    /** Images above this size are refused before decoding, as prepare.max-pixels does by default. */
    static final long MAX_PIXELS = 50_000_000L;

    /** The zip reaches each executor once per model, not once per task. */
    private synchronized Broadcast<byte[]> broadcast(SparkContext sc) {
        if (broadcast == null || broadcast.isValid() == false) {
            broadcast = sc.broadcast(zip, scala.reflect.ClassTag$.MODULE$.apply(byte[].class));
        }
        return broadcast;
    }

    @Override
    public ResNetClassificationModel copy(ParamMap extra) {
        ResNetClassificationModel m = copyValues(new ResNetClassificationModel(uid, zip), extra);
        return m.setParent(parent());
    }

    @Override
    public MLWriter write() {
        return new Writer(this);
    }

    public static MLReader<ResNetClassificationModel> read() {
        return new Reader();
    }

    public static ResNetClassificationModel load(String path) {
        return read().load(path);
    }

    /** Spark's param metadata, then the model zip under {@code data/}. */
    private static final class Writer extends MLWriter {
        private final ResNetClassificationModel model;

        Writer(ResNetClassificationModel model) {
            this.model = model;
        }

        @Override
        public void saveImpl(String path) {
            DefaultParamsWriter.saveMetadata(model, path, sc(), Option.empty(), Option.empty());
            new Storage(sc().hadoopConfiguration()).writeBytes(new Path(path, MODEL_ZIP), model.zip);
        }
    }

    private static final class Reader extends MLReader<ResNetClassificationModel> {
        @Override
        public ResNetClassificationModel load(String path) {
            DefaultParamsReader.Metadata meta = DefaultParamsReader.loadMetadata(path, sc(),
                    ResNetClassificationModel.class.getName());
            byte[] zip = new Storage(sc().hadoopConfiguration()).readBytes(new Path(path, MODEL_ZIP));
            ResNetClassificationModel m = new ResNetClassificationModel(meta.uid(), zip);
            meta.getAndSetParams(m, Option.empty());
            return m;
        }
    }
}
