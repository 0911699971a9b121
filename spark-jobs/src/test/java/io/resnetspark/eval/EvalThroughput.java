package io.resnetspark.eval;

import io.resnetspark.config.JobConfig;
import io.resnetspark.data.Manifest;
import io.resnetspark.data.format.Minibatch;
import io.resnetspark.model.ModelMetadata;
import io.resnetspark.model.ModelStore;
import io.resnetspark.model.Normalization;
import io.resnetspark.model.OneDnn;
import io.resnetspark.model.Optimization;
import io.resnetspark.model.ResNetBuilder;
import io.resnetspark.model.ResNetOptions;
import io.resnetspark.spark.SparkSetup;
import io.resnetspark.storage.Storage;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * Not a test: measures evaluation throughput through the real evaluate code path (Spark local mode)
 * with a random-weight model on synthetic minibatch files.
 * Arguments: model CxHxW batch files master [partitions]; e.g. resnet18 3x32x32 64 8 local[2].
 */
public final class EvalThroughput {
    public static void main(String[] args) throws Exception {
        String model = args[0];
        int[] chw = ResNetOptions.parseInput(args[1]);
        int batch = Integer.parseInt(args[2]);
        int files = Integer.parseInt(args[3]);
        String master = args[4];
        int partitions = args.length > 5 ? Integer.parseInt(args[5]) : 0;
        int classes = 10;
        File dir = Files.createTempDirectory("eval-throughput").toFile();
        Storage storage = new Storage(new Configuration());
        String data = dir.toURI() + "data";
        Random r = new Random(1);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < classes; i++) {
            names.add("c" + i);
        }
        int size = chw[0] * chw[1] * chw[2];
        for (int f = 0; f < files; f++) {
            byte[] px = new byte[batch * size];
            r.nextBytes(px);
            int[] labels = new int[batch];
            String[] sources = new String[batch];
            for (int i = 0; i < batch; i++) {
                labels[i] = r.nextInt(classes);
                sources[i] = "img-" + f + "-" + i;
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            new Minibatch(batch, chw[0], chw[1], chw[2], classes, px, labels, sources).write(out);
            storage.writeBytes(new Path(data + String.format("/test/part-%05d.bin", f)), out.toByteArray());
        }
        Normalization norm = Normalization.imagenet();
        Manifest m = new Manifest(1, "synthetic", "random", names, chw[0], chw[1], chw[2], batch, norm, Map.of(),
                List.of(), Map.of(), "now");
        storage.writeBytes(new Path(data + "/manifest.json"), ModelStore.JSON.writeValueAsBytes(m));
        ResNetOptions o = ResNetOptions.builder(model).classes(classes).input(chw[0], chw[1], chw[2]).build();
        ComputationGraph g = ResNetBuilder.build(o, Optimization.defaults());
        System.out.println("oneDNN coverage: " + OneDnn.coverage(g));
        String zip = dir.toURI() + "model.zip";
        ByteArrayOutputStream mz = new ByteArrayOutputStream();
        ModelStore.save(g, ModelMetadata.of(o, names, norm), false, mz);
        storage.writeBytes(new Path(zip), mz.toByteArray());
        JobConfig c = JobConfig.load(null, List.of("spark.master=" + master), Map.of("evaluate.model", zip,
                "evaluate.data", data, "evaluate.out", dir.toURI() + "out", "evaluate.partitions",
                Integer.toString(partitions)));
        SparkSession spark = SparkSetup.start(c, "throughput");
        try {
            Evaluator.Outcome out = Evaluator.run(c, spark, System.out);
            System.out.printf("RESULT %s %s batch %d: %d images in %.1f s = %.2f images/s (master %s, %d partitions)%n",
                    model, args[1], batch, out.report().examples(), out.report().context().seconds(),
                    out.report().imagesPerSecond(), master, out.report().context().partitions());
        } finally {
            spark.stop();
        }
    }
}
