package io.resnetspark.cli;

import io.resnetspark.bench.DecodeThroughput;
import io.resnetspark.bench.ModelBenchmark;
import io.resnetspark.bench.SparkBenchmark;
import io.resnetspark.common.UserError;
import io.resnetspark.config.ModelSettings;
import io.resnetspark.model.ModelStore;
import io.resnetspark.model.OneDnn;
import io.resnetspark.model.ResNetOptions;
import io.resnetspark.scoring.ModelPool;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code benchmark}: images/s of training or inference (single process), of decoding (prepare), or of the
 * train stage on Spark against single-process training, printed as one JSON object.
 * A run whose conv/BN layers lack their oneDNN helper says so loudly: such figures are 3-4x too slow.
 */
public final class BenchmarkCommand implements Command {
    @Override
    public String name() {
        return "benchmark";
    }

    @Override
    public String summary() {
        return "measure training, inference, prepare or Spark training images/s (median after warm-up) on random data";
    }

    @Override
    public Map<String, String> flags() {
        return Map.ofEntries(Map.entry("what", ""), Map.entry("model", "model.name"), Map.entry("input", ""),
                Map.entry("batch", ""), Map.entry("classes", ""), Map.entry("warmup", ""), Map.entry("iters", ""),
                Map.entry("stem", "model.stem"), Map.entry("format", ""), Map.entry("source-size", ""),
                Map.entry("fold-batch-norm", ModelPool.FOLD_BATCH_NORM), Map.entry("epochs", ""),
                Map.entry("modes", ""), Map.entry("executors", ""), Map.entry("executor-memory-mb", ""),
                Map.entry("averaging-frequency", "train.averaging.frequency"),
                Map.entry("prefetch", "train.averaging.prefetch"));
    }

    @Override
    public Map<String, String> switches() {
        return Map.of("json", "", "compare-unfolded", "");
    }

    /** Decode + resize + crop images/s on one thread (= per core: prepare runs one task per core). */
    private static Map<String, Object> prepare(Invocation inv, int[] input, int iters) {
        String format = inv.local("format", "jpeg");
        int sourceSide = inv.localInt("source-size", 256);
        int images = Math.max(iters, 50);
        DecodeThroughput.Result r = DecodeThroughput.measure(images, sourceSide, format,
                input[1] == sourceSide ? 0 : input[1], input[0]);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("what", "prepare");
        m.put("format", format);
        m.put("source", sourceSide + "x" + sourceSide);
        m.put("output", input[0] + "x" + r.outSide() + "x" + r.outSide());
        m.put("images_per_sec_per_core", Math.round(r.imagesPerSecond() * 10) / 10.0);
        m.put("images", r.images());
        m.put("mean_file_bytes", r.meanFileBytes());
        m.put("rss_mib", io.resnetspark.bench.Machine.rssMiB());
        m.put("machine", io.resnetspark.bench.Machine.describe());
        return m;
    }

    /** The train stage on local[cores] and on a local-cluster, against plain DL4J on the same files. */
    private static Map<String, Object> spark(Invocation inv, ResNetOptions o, int batch, int warmup, int files)
            throws java.io.IOException {
        int epochs = inv.localInt("epochs", 2);
        int executors = inv.localInt("executors", 2);
        int memory = inv.localInt("executor-memory-mb", 3072);
        List<String> modes = List.of(inv.local("modes", "single,local,cluster").split(","));
        for (String m : modes) {
            if (!List.of("single", "local", "cluster").contains(m)) {
                throw new UserError("--modes takes single, local and cluster (comma-separated), got '" + m + "'");
            }
        }
        if (epochs < 1 || warmup < 1 || executors < 1 || memory < 512) {
            throw new UserError("--what spark needs --epochs >= 1, --warmup >= 1 (the first epoch starts executors), "
                    + "--executors >= 1 and --executor-memory-mb >= 512");
        }
        return SparkBenchmark.run(inv.config(), o, batch,
                new SparkBenchmark.Plan(files, warmup, epochs, modes, executors, memory), System.err);
    }

    @Override
    public int run(Invocation inv) throws Exception {
        String what = inv.local("what", "train");
        int batch = inv.localInt("batch", 32);
        boolean spark = "spark".equals(what);
        // for spark: warm-up epochs and minibatch files per epoch
        int warmup = inv.localInt("warmup", spark ? 1 : 2);
        int iters = inv.localInt("iters", spark ? 8 * Runtime.getRuntime().availableProcessors() : 10);
        if (batch < 1 || warmup < 0 || iters < 1) {
            throw new UserError("--batch and --iters must be at least 1 and --warmup at least 0");
        }
        int[] input = ResNetOptions.parseInput(inv.local("input", "3x224x224"));
        ResNetOptions o = ModelSettings.options(inv.config(), inv.localInt("classes", 1000), input[0], input[1], input[2]);
        Map<String, Object> result = switch (what) {
            case "train", "infer" -> ModelBenchmark.run(o, what, batch, warmup, iters, new ModelBenchmark.Inference(
                    inv.config().getBoolean(ModelPool.FOLD_BATCH_NORM), inv.localSwitch("compare-unfolded")));
            case "prepare" -> prepare(inv, input, iters);
            case "spark" -> spark(inv, o, batch, warmup, iters);
            default -> throw new UserError("--what must be train, infer, prepare or spark, got '" + what + "'");
        };
        @SuppressWarnings("unchecked")
        Map<String, Object> onednn = (Map<String, Object>) result.get("onednn");
        if (onednn != null && OneDnn.cpuBackend() && !Boolean.TRUE.equals(onednn.get("complete"))) {
            System.err.println("WARNING: oneDNN helpers are missing on " + onednn
                    + "; these figures are not representative (see README, oneDNN on CPU)");
        }
        if (inv.localSwitch("json")) {
            System.out.println(ModelStore.JSON.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT).writeValueAsString(result));
        } else {
            System.out.println(ModelStore.JSON.writeValueAsString(result));
        }
        return 0;
    }
}
