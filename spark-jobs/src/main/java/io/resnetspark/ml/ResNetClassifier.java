package io.resnetspark.ml;

import io.resnetspark.config.JobConfig;
import io.resnetspark.data.Manifest;
import io.resnetspark.pipeline.Stage;
import io.resnetspark.storage.ModelFile;
import io.resnetspark.storage.RunLayout;
import io.resnetspark.storage.Storage;
import io.resnetspark.train.Checkpoints;
import java.io.PrintStream;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A ResNet image classifier as a spark.ml {@link Estimator}. {@code fit} runs the product's own prepare and
 * train stages, as the commands do: the image and label columns are written as a Parquet table into a work
 * directory (any Hadoop path the executors reach), prepared into minibatch files there, and trained with
 * the chosen master (parameter averaging or gradient sharing), with per-epoch validation on a held-out
 * fraction and checkpoints; the work directory keeps all of it (manifest, metrics.jsonl, checkpoints).
 * Class names come from the label column's metadata (a StringIndexer's labels) and go into the model.
 * Keys without a param of their own (optimizer, schedule, augmentation, ...) are set with
 * {@link #setSettings} as {@code key=value}, the configuration keys of conf/defaults.conf.
 */
public final class ResNetClassifier extends Estimator<ResNetClassificationModel>
        implements ScoringParams<ResNetClassifier>, DefaultParamsWritable {
    private static final long serialVersionUID = 1L;

    private final String uid;
    private final Param<String> labelCol;
    private final Param<String> idCol;
    private final Param<String> modelName;
    private final IntParam inputSize;
    private final IntParam channels;
    private final IntParam epochs;
    private final Param<String> master;
    private final Param<String> initFrom;
    private final DoubleParam validationFraction;
    private final Param<String> workDir;
    private final StringArrayParam settings;

    public ResNetClassifier() {
        this(Identifiable.randomUID("resnetClassifier"));
    }

    public ResNetClassifier(String uid) {
        // before any param: a param takes its owner's uid when it is made
        this.uid = uid;
        labelCol = new Param<>(this, "labelCol", "column of class indices 0..K-1 (a number, as"
                + " StringIndexer gives; its metadata names the classes)");
        idCol = new Param<>(this, "idCol", "column naming each row in the manifest's list of"
                + " skipped images (the binaryFile source's path by default); rows are named by position when the data"
                + " has no such column and the param was not set");
        modelName = new Param<>(this, "modelName", "a model of the zoo: resnet18, resnet34,"
                + " resnet50, resnet101, resnet152, resnet20/32/44/56/110, ... (model.name)");
        inputSize = new IntParam(this, "inputSize", "side of the square input in pixels (shorter"
                + " side resized, center crop); 0 = the images' own size", ParamValidators.inRange(0, 4096));
        channels = new IntParam(this, "channels", "input channels: 1 (gray) or 3 (RGB)",
                ParamValidators.inArray(new int[] {1, 3}));
        epochs = new IntParam(this, "epochs", "passes over the training rows",
                ParamValidators.gtEq(1));
        master = new Param<>(this, "master", "training master: averaging (parameter"
                + " averaging) or sharing (synchronous gradient sharing)", ParamValidators.inArray(
                        new String[] {"averaging", "sharing"}));
        initFrom = new Param<>(this, "initFrom", "a model zip (Hadoop path) to start from,"
                + " e.g. imported torchvision weights; \"\" = a fresh initialisation");
        validationFraction = new DoubleParam(this, "validationFraction", "fraction of the rows"
                + " held out for per-epoch validation (and best-model selection)", ParamValidators.inRange(0, 0.9));
        workDir = new Param<>(this, "workDir", "Hadoop directory for the prepared"
                + " minibatches, checkpoints and metrics of each fit (a new subdirectory per fit); \"\" = /tmp/resnet-spark-ml"
                + " on the default file system");
        settings = new StringArrayParam(this, "settings", "further configuration keys as"
                + " key=value (conf/defaults.conf), as --set on the command line");
        scoringDefaults();
        setDefault(labelCol, "label");
        setDefault(idCol, "path");
        setDefault(modelName, "resnet18");
        setDefault(inputSize, 224);
        setDefault(channels, 3);
        setDefault(epochs, 10);
        setDefault(master, "averaging");
        setDefault(initFrom, "");
        setDefault(validationFraction, 0.1);
        setDefault(workDir, "");
        setDefault(settings, new String[0]);
    }

    @Override
    public String uid() {
        return uid;
    }

    public Param<String> labelCol() {
        return labelCol;
    }

    public Param<String> idCol() {
        return idCol;
    }

    public Param<String> modelName() {
        return modelName;
    }

    public IntParam inputSize() {
        return inputSize;
    }

    public IntParam channels() {
        return channels;
    }

    public IntParam epochs() {
        return epochs;
    }

    public Param<String> master() {
        return master;
    }

    public Param<String> initFrom() {
        return initFrom;
    }

    public DoubleParam validationFraction() {
        return validationFraction;
    }

    public Param<String> workDir() {
        return workDir;
    }

    public StringArrayParam settings() {
        return settings;
    }

    public String getLabelCol() {
        return $(labelCol);
    }

    public String getIdCol() {
        return $(idCol);
    }

    public String getModelName() {
        return $(modelName);
    }

    public int getInputSize() {
        return (Integer) $(inputSize);
    }

    public int getChannels() {
        return (Integer) $(channels);
    }

    public int getEpochs() {
        return (Integer) $(epochs);
    }

    public String getMaster() {
        return $(master);
    }

    public String getInitFrom() {
        return $(initFrom);
    }

    public double getValidationFraction() {
        return (Double) $(validationFraction);
    }

    public String getWorkDir() {
        return $(workDir);
    }

    public String[] getSettings() {
        return $(settings);
    }

    public ResNetClassifier setLabelCol(String v) {
        set(labelCol, v);
        return this;
    }

    public ResNetClassifier setIdCol(String v) {
        set(idCol, v);
        return this;
    }

    public ResNetClassifier setModelName(String v) {
        set(modelName, v);
        return this;
    }

    public ResNetClassifier setInputSize(int v) {
        set(inputSize, v);
        return this;
    }

    public ResNetClassifier setChannels(int v) {
        set(channels, v);
        return this;
    }

    public ResNetClassifier setEpochs(int v) {
        set(epochs, v);
        return this;
    }

    public ResNetClassifier setMaster(String v) {
        set(master, v);
        return this;
    }

    public ResNetClassifier setInitFrom(String v) {
        set(initFrom, v);
        return this;
    }

    public ResNetClassifier setValidationFraction(double v) {
        set(validationFraction, v);
        return this;
    }

    public ResNetClassifier setWorkDir(String v) {
        set(workDir, v);
        return this;
    }

    public ResNetClassifier setSettings(String... keyValues) {
        set(settings, keyValues);
        return this;
    }

    @Override
    public StructType transformSchema(StructType schema) {
        String label = getLabelCol();
        if (!Arrays.asList(schema.fieldNames()).contains(label)) {
            throw new IllegalArgumentException("labelCol '" + label + "' is not a column of the data (columns: "
                    + String.join(", ", schema.fieldNames()) + ")");
        }
        if (!(schema.apply(label).dataType() instanceof NumericType)) {
            throw new IllegalArgumentException("labelCol '" + label + "' is " + schema.apply(label).dataType()
                    .simpleString() + "; it must hold class indices (a number): index names with StringIndexer first");
        }
        if (isSet(idCol) && !Arrays.asList(schema.fieldNames()).contains(getIdCol())) {
            throw new IllegalArgumentException("idCol '" + getIdCol() + "' is not a column of the data");
        }
        return outputSchema(schema, labelNames(schema.apply(label)));
    }

    /** The class names a StringIndexer (or any nominal attribute) gave the label column; empty when none. */
    static List<String> labelNames(StructField label) {
        Attribute a = Attribute.fromStructField(label);
        if (a instanceof NominalAttribute n && n.values().isDefined()) {
            return List.of(n.values().get());
        }
        return List.of();
    }

    @Override
    public ResNetClassificationModel fit(Dataset<?> dataset) {
        StructType schema = dataset.schema();
        transformSchema(schema);
        List<String> classes = labelNames(schema.apply(getLabelCol()));
        Configuration hadoop = dataset.sparkSession().sparkContext().hadoopConfiguration();
        String dir = fitDirectory(hadoop);
        PrintStream log = System.err;
        String input = RunLayout.join(dir, "input");
        String data = RunLayout.join(dir, "data");
        String run = RunLayout.join(dir, "run");

        // the rows as a table prepare reads: the input is read once, whatever it is computed from
        boolean named = Arrays.asList(schema.fieldNames()).contains(getIdCol());
        List<Column> columns = new ArrayList<>(List.of(functions.col(getImageCol()).as("image"),
                functions.col(getLabelCol()).cast(DataTypes.DoubleType).as("label")));
        if (named) {
            columns.add(functions.col(getIdCol()).cast(DataTypes.StringType).as("id"));
        }
        log.println("[ResNetClassifier] fit in " + dir);
        dataset.select(columns.toArray(new Column[0])).write().mode(SaveMode.ErrorIfExists).parquet(input);

        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("prepare.format", "parquet");
        keys.put("prepare.source", input);
        keys.put("prepare.out", data);
        keys.put("prepare.size", Integer.toString(getInputSize()));
        keys.put("prepare.channels", Integer.toString(getChannels()));
        keys.put("prepare.batch", Integer.toString(getBatchSize()));
        keys.put("prepare.val-fraction", Double.toString(getValidationFraction()));
        keys.put("prepare.test-fraction", "0");
        keys.put("table.image-column", "image");
        keys.put("table.label-column", "label");
        keys.put("table.split-column", "");
        keys.put("table.id-column", named ? "id" : "");
        keys.put("model.name", getModelName());
        keys.put("train.data", data);
        keys.put("train.run", run);
        keys.put("train.epochs", Integer.toString(getEpochs()));
        keys.put("train.master", getMaster());
        keys.put("train.init-from", getInitFrom());
        JobConfig c = JobConfig.load(null, List.of(getSettings()), keys);
        if (!classes.isEmpty()) {
            c = c.with(Map.of("prepare.classes", classes));
        }
        try {
            Stage.named("prepare").run(c, log, log);
            Storage storage = new Storage(hadoop);
            Manifest m = Manifest.read(storage, Storage.path(data));
            if (getHandleInvalid().equals("error") && !m.skipped().isEmpty()) {
                Manifest.Skipped first = m.skipped().get(0);
                throw new IllegalArgumentException(m.skipped().size() + " rows cannot be used for training, e.g. "
                        + first.path() + ": " + first.reason() + " (all are listed in " + data + "/" + Manifest.FILE
                        + "); set handleInvalid to 'skip' to train without them");
            }
            Stage.named("train").run(c, log, log);
            Path model = Storage.path(Checkpoints.shipped(c, run));
            ModelFile file = ModelFile.read(storage, model);
            return copyValues(new ResNetClassificationModel(uid, file.zip()), ParamMap.empty()).setParent(this);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("fit failed in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** A new directory for this fit under workDir, qualified on the default file system when it has no scheme. */
    private String fitDirectory(Configuration hadoop) {
        String base = getWorkDir().isBlank() ? "/tmp/resnet-spark-ml" : getWorkDir();
        Path p = new Path(base);
        try {
            if (p.toUri().getScheme() == null) {
                p = FileSystem.get(hadoop).makeQualified(p);
            }
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("workDir " + base + " cannot be reached: " + e.getMessage(), e);
        }
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS"));
        return RunLayout.join(p.toString(), uid + "-" + stamp);
    }

    @Override
    public ResNetClassifier copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    public static MLReader<ResNetClassifier> read() {
        return new DefaultParamsReader<>();
    }

    public static ResNetClassifier load(String path) {
        return read().load(path);
    }
}
