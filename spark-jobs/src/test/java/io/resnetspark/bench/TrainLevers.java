package io.resnetspark.bench;

import io.resnetspark.model.OneDnn;
import io.resnetspark.model.Optimization;
import io.resnetspark.model.ResNetBuilder;
import io.resnetspark.model.ResNetOptions;
import java.util.Arrays;
import java.util.Locale;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;

/**
 * A/B of one training lever, not a test: two networks (baseline and variant) fitted in alternation in one
 * JVM, so both see the same machine load; prints the median images/s of each and their ratio.
 *
 * <pre>java [test JVM flags] -cp ... io.resnetspark.bench.TrainLevers resnet18 3x32x32 64 10 workspace-none|cache-device|cache-host|nhwc</pre>
 */
public final class TrainLevers {
    private TrainLevers() {
    }

    public static void main(String[] args) {
        String model = args[0];
        int[] in = ResNetOptions.parseInput(args[1]);
        int batch = Integer.parseInt(args[2]);
        int iters = Integer.parseInt(args[3]);
        String lever = args[4];
        ResNetOptions o = ResNetOptions.builder(model).classes(10).input(in[0], in[1], in[2]).build();
        Optimization opt = new Optimization(new Nesterovs(0.01, 0.9), 0, 0);
        ComputationGraphConfiguration base = ResNetBuilder.configuration(o, opt);
        ComputationGraphConfiguration variant = base.clone();
        boolean nhwc = false;
        switch (lever) {
            case "workspace-none" -> variant.setTrainingWorkspaceMode(WorkspaceMode.NONE);
            case "cache-device" -> variant.setCacheMode(CacheMode.DEVICE);
            case "cache-host" -> variant.setCacheMode(CacheMode.HOST);
            case "nhwc" -> {
                variant = ComputationGraphConfiguration.fromJson(base.toJson().replace("\"NCHW\"", "\"NHWC\"")
                        .replace("\"poolingDimensions\" : [ 2, 3 ]", "\"poolingDimensions\" : [ 1, 2 ]"));
                nhwc = true;
            }
            case "same" -> { }
            default -> throw new IllegalArgumentException(lever);
        }
        OneDnn.enable();
        ComputationGraph a = new ComputationGraph(base);
        a.init();
        ComputationGraph b = new ComputationGraph(variant);
        b.init();
        b.setParams(a.params());
        Nd4j.getRandom().setSeed(1);
        INDArray x = Nd4j.randn(DataType.FLOAT, batch, in[0], in[1], in[2]);
        INDArray y = Nd4j.zeros(DataType.FLOAT, batch, 10);
        for (int i = 0; i < batch; i++) {
            y.putScalar(i, i % 10, 1f);
        }
        DataSet da = new DataSet(x, y);
        DataSet db = nhwc ? new DataSet(x.permute(0, 2, 3, 1).dup('c'), y) : da;
        System.err.println("baseline oneDNN: " + OneDnn.coverage(a) + "; variant oneDNN: " + OneDnn.coverage(b));
        for (int i = 0; i < 2; i++) {
            a.fit(da);
            b.fit(db);
        }
        double[] ta = new double[iters];
        double[] tb = new double[iters];
        for (int i = 0; i < iters; i++) {
            // alternate which goes first, so neither always follows the other's cache state
            if (i % 2 == 0) {
                ta[i] = time(a, da);
                tb[i] = time(b, db);
            } else {
                tb[i] = time(b, db);
                ta[i] = time(a, da);
            }
        }
        double ma = median(ta);
        double mb = median(tb);
        System.out.printf(Locale.ROOT, "LEVER %s %s %s b%d: baseline %.2f img/s, %s %.2f img/s, ratio %.3f (load %s)%n",
                lever, model, args[1], batch, batch / ma, lever, batch / mb, ma / mb, load());
    }

    static double time(ComputationGraph g, DataSet d) {
        long t0 = System.nanoTime();
        g.fit(d);
        return (System.nanoTime() - t0) / 1e9;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    static String load() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).substring(0, 14);
        } catch (java.io.IOException e) {
            return "?";
        }
    }
}
