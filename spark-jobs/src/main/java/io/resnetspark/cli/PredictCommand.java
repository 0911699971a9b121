package io.resnetspark.cli;

import io.resnetspark.predict.PredictSettings;
import io.resnetspark.predict.Predictor;
import io.resnetspark.spark.SparkSetup;
import io.resnetspark.storage.Storage;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** {@code predict}: batch inference on raw images, written as Parquet and CSV. */
public final class PredictCommand implements Command {
    @Override
    public String name() {
        return "predict";
    }

    @Override
    public String summary() {
        return "classify raw images with an exported model; Parquet + CSV rows with top-k classes";
    }

    @Override
    public Map<String, String> flags() {
        return Map.of("model", "predict.model", "images", "predict.images", "out", "predict.out",
                "top-k", "predict.top-k", "batch", "predict.batch");
    }

    @Override
    public Map<String, String> switches() {
        return Map.of("overwrite", "predict.overwrite");
    }

    @Override
    public int run(Invocation inv) throws Exception {
        PredictSettings s = PredictSettings.from(inv.config());
        SparkSession spark = SparkSetup.start(inv.config(), "predict");
        Predictor.Result r;
        try {
            Storage storage = new Storage(spark.sparkContext().hadoopConfiguration());
            r = Predictor.run(spark, storage, SparkSetup.executorHadoopSettings(spark, inv.config()), s);
        } finally {
            // a session left behind would be handed, with this master, to the next stage in the same JVM
            spark.stop();
        }
        if (r.skipped()) {
            System.out.println("predictions: " + r.out() + " already complete (predict.overwrite=true redoes them)");
        } else {
            System.out.println("predictions: " + r.out() + " (" + r.images() + " images, " + r.failed()
                    + " could not be read)");
        }
        return 0;
    }
}
