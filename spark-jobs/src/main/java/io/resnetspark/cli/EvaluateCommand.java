package io.resnetspark.cli;

import io.resnetspark.eval.Evaluator;
import io.resnetspark.spark.SparkSetup;
import io.resnetspark.storage.Storage;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/** {@code evaluate}: scores a prepared split with a model on the cluster and writes the report files. */
public final class EvaluateCommand implements Command {
    @Override
    public String name() {
        return "evaluate";
    }

    @Override
    public String summary() {
        return "score a prepared split with a model; write report.json/.html, CSVs and per-example predictions";
    }

    @Override
    public Map<String, String> flags() {
        return Map.of("model", "evaluate.model", "data", "evaluate.data", "split", "evaluate.split",
                "out", "evaluate.out", "run", "evaluate.run", "misclassified", "evaluate.misclassified",
                "bins", "evaluate.calibration-bins", "batch", "evaluate.batch", "partitions", "evaluate.partitions");
    }

    @Override
    public Map<String, String> switches() {
        return Map.of("overwrite", "evaluate.overwrite");
    }

    @Override
    public int run(Invocation inv) {
        Evaluator.Settings s = Evaluator.Settings.of(inv.config()); // bad settings fail before Spark starts
        Path out = Storage.path(s.out());
        if (!s.overwrite() && new Storage(SparkSetup.hadoop(inv.config())).committed(out)) {
            System.out.println("[evaluate] " + out + " is already committed; skipping (use --overwrite to redo it)");
            return 0;
        }
        SparkSession spark = SparkSetup.start(inv.config(), "evaluate");
        try {
            Evaluator.run(inv.config(), spark, System.out);
            return 0;
        } finally {
            spark.stop();
        }
    }
}
