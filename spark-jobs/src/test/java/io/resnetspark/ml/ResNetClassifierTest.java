package io.resnetspark.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.resnetspark.testing.FashionFolder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spark.ml way in: real Fashion-MNIST image files read with Spark's {@code binaryFile} source, the class
 * folder's name indexed by a StringIndexer, and ResNetClassifier in one Pipeline, fitted (the product's
 * prepare and train stages underneath), saved to a Hadoop path, loaded back, and scored again.
 */
class ResNetClassifierTest {
    @TempDir
    static Path tmp;
    static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local[2]").appName("ResNetClassifierTest")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1").getOrCreate();
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    /** Image files under {@code dir}, with the class folder's name in column {@code cls}. */
    static Dataset<Row> images(Path dir) {
        return spark.read().format("binaryFile").option("recursiveFileLookup", "true").load(dir.toUri().toString())
                .withColumn("cls", functions.element_at(functions.split(functions.col("path"), "/"), -2));
    }

    @Test
    void pipelineLearnsFashionMnistAndPredictsTheSameAfterLoading() throws Exception {
        Path fashion = FashionFolder.write(tmp.resolve("fashion"), 150, 20);
        Dataset<Row> train = images(fashion.resolve("train"));
        Dataset<Row> test = images(fashion.resolve("test"));
        ResNetClassifier classifier = new ResNetClassifier().setImageCol("content").setLabelCol("label")
                .setModelName("resnet20").setInputSize(28).setChannels(1).setEpochs(6).setBatchSize(64)
                .setMaster("averaging").setWorkDir(tmp.resolve("work").toUri().toString());
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
            new StringIndexer().setInputCol("cls").setOutputCol("label"), classifier});
        PipelineModel fitted = pipeline.fit(train);

        StringIndexerModel indexer = (StringIndexerModel) fitted.stages()[0];
        ResNetClassificationModel model = (ResNetClassificationModel) fitted.stages()[1];
        // the indexer's labels name the model's classes, in its order, and the prediction column's metadata
        assertEquals(Arrays.asList(indexer.labelsArray()[0]), model.classes());
        Dataset<Row> scored = fitted.transform(test).cache();
        Attribute predicted = Attribute.fromStructField(scored.schema().apply("prediction"));
        assertEquals(model.classes(), List.of(((NominalAttribute) predicted).values().get()));

        long n = scored.count();
        assertEquals(200, n);
        double accuracy = scored.where(functions.col("prediction").equalTo(functions.col("label"))).count()
                / (double) n;
        System.out.println("ResNetClassifier test accuracy after 6 epochs: " + accuracy);
        assertTrue(accuracy > 0.4, "test accuracy should be far above chance (0.1), got " + accuracy);
        Row first = scored.first();
        Vector p = first.getAs("probability");
        assertEquals(10, p.size());
        assertEquals(1.0, Arrays.stream(p.toArray()).sum(), 1e-4);
        assertEquals(p.argmax(), (int) first.<Double>getAs("prediction").doubleValue());

        String saved = tmp.resolve("saved model").toUri().toString();
        fitted.write().save(saved);
        PipelineModel loaded = PipelineModel.load(saved);
        Map<String, Double> before = predictions(scored);
        Map<String, Double> after = predictions(loaded.transform(test));
        assertEquals(before, after);
        assertEquals(model.classes(), ((ResNetClassificationModel) loaded.stages()[1]).classes());
    }

    @Test
    void unreadableImagesFailSkipOrKeepAsHandleInvalidSays() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("mixed/coat"));
        Files.writeString(dir.resolve("not-an-image.png"), "not an image", StandardCharsets.UTF_8);
        FashionFolder.write(tmp.resolve("few"), 4, 0);
        Dataset<Row> few = images(tmp.resolve("few/train"));
        Dataset<Row> mixed = few.unionByName(images(tmp.resolve("mixed")));
        // an untrained model is enough to see what happens to a row that cannot be scored
        Dataset<Row> indexed = new StringIndexer().setInputCol("cls").setOutputCol("label").fit(few).transform(few);
        ResNetClassificationModel model = new ResNetClassifier().setImageCol("content").setModelName("resnet20")
                .setInputSize(28).setChannels(1).setEpochs(1).setSettings("train.ship=last")
                .setWorkDir(tmp.resolve("work2").toUri().toString()).fit(indexed);

        assertEquals(40, model.setHandleInvalid("skip").transform(mixed).count());
        List<Row> kept = model.setHandleInvalid("keep").transform(mixed)
                .where(functions.col("path").endsWith("not-an-image.png")).collectAsList();
        assertEquals(1, kept.size());
        assertTrue(Double.isNaN(kept.get(0).<Double>getAs("prediction")));
        Exception e = assertThrows(Exception.class, () -> model.setHandleInvalid("error").transform(mixed).count());
        assertTrue(rootMessage(e).contains("cannot be used"), rootMessage(e));
    }

    static Map<String, Double> predictions(Dataset<Row> scored) {
        Map<String, Double> m = new HashMap<>();
        for (Row r : scored.select("path", "prediction").collectAsList()) {
            m.put(r.getString(0), r.getDouble(1));
        }
        return m;
    }

    static String rootMessage(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }
}
