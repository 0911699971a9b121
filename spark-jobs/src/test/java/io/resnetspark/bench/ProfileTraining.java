package io.resnetspark.bench;

import io.resnetspark.model.OneDnn;
import io.resnetspark.model.Optimization;
import io.resnetspark.model.ResNetBuilder;
import io.resnetspark.model.ResNetOptions;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.executioner.OpExecutioner;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.profiler.OpProfiler;

/**
 * Where a DL4J training iteration spends its time, by ND4J op (ND4J's OpProfiler), not a test.
 * For Java frames run the benchmark command under JFR instead (README, Performance).
 *
 * <pre>java [test JVM flags] -cp ... io.resnetspark.bench.ProfileTraining resnet18 3x32x32 64 3</pre>
 */
public final class ProfileTraining {
    private ProfileTraining() {
    }

    public static void main(String[] args) {
        int[] in = ResNetOptions.parseInput(args[1]);
        int batch = Integer.parseInt(args[2]);
        int iters = Integer.parseInt(args[3]);
        ResNetOptions o = ResNetOptions.builder(args[0]).classes(10).input(in[0], in[1], in[2]).build();
        ComputationGraph g = ResNetBuilder.build(o, new Optimization(new Nesterovs(0.01, 0.9), 0, 0));
        System.err.println(OneDnn.coverage(g));
        INDArray x = Nd4j.randn(DataType.FLOAT, batch, in[0], in[1], in[2]);
        INDArray y = Nd4j.zeros(DataType.FLOAT, batch, 10);
        for (int i = 0; i < batch; i++) {
            y.putScalar(i, i % 10, 1f);
        }
        DataSet d = new DataSet(x, y);
        g.fit(d);
        g.fit(d);
        Nd4j.getExecutioner().setProfilingMode(OpExecutioner.ProfilingMode.OPERATIONS);
        long t0 = System.nanoTime();
        for (int i = 0; i < iters; i++) {
            g.fit(d);
        }
        double s = (System.nanoTime() - t0) / 1e9;
        Nd4j.getExecutioner().setProfilingMode(OpExecutioner.ProfilingMode.DISABLED);
        System.out.printf("%d iterations in %.2f s (profiled)%n", iters, s);
        OpProfiler.getInstance().printOutDashboard();
    }
}
