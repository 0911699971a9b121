package io.resnetspark.model;

import io.resnetspark.model.layers.GroupedConvolution;
import java.util.Arrays;
import java.util.Locale;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * Not a test: measures the grouped convolution against a dense convolution of the same shape, per layer
 * (ResNeXt-50's four 3x3 shapes, 32 groups, forward + backward) and per training step (resnext50_32x4d
 * against wide_resnet50_2, which has exactly its shapes with dense 3x3s; resnet50 for scale). Random data,
 * times are the best of the repetitions.
 *
 * <pre>
 * mvn -B -q -o -pl model dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test \
 *   && mvn -B -q -o -pl model test-compile \
 *   && java -Xmx3g -Dorg.eclipse.deeplearning4j.helpers.disable=false \
 *        -cp model/target/classes:model/target/test-classes:$(cat /tmp/cp.txt) \
 *        io.resnetspark.model.GroupedConvolutionBenchmark [batch=8] [repetitions=3] [size=224]
 * </pre>
 */
public final class GroupedConvolutionBenchmark {
    private GroupedConvolutionBenchmark() {
    }

    public static void main(String[] args) {
        int batch = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int size = args.length > 2 ? Integer.parseInt(args[2]) : 224;
        OneDnn.enable();
        System.out.printf(Locale.ROOT, "batch %d, %d repetitions, %d px; %s threads%n", batch, reps, size,
                System.getenv().getOrDefault("OMP_NUM_THREADS", "default"));
        layers(batch, reps, size);
        networks(batch, reps, size);
    }

    private static Layer standalone(org.deeplearning4j.nn.conf.layers.Layer conf) {
        NeuralNetConfiguration nn = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT)
                .convolutionMode(ConvolutionMode.Truncate).layer(conf).build();
        long n = nn.getLayer().initializer().numParams(nn);
        Layer l = nn.getLayer().instantiate(nn, null, 0, Nd4j.rand(DataType.FLOAT, 1, n).subi(0.5), true,
                DataType.FLOAT);
        l.setBackpropGradientsViewArray(Nd4j.create(DataType.FLOAT, 1, n));
        return l;
    }

    /** Forward + backward milliseconds, best of {@code reps}. */
    private static double time(Layer l, INDArray x, int reps) {
        double best = Double.MAX_VALUE;
        for (int r = 0; r <= reps; r++) {
            long t0 = System.nanoTime();
            INDArray y = l.activate(x, true, LayerWorkspaceMgr.noWorkspaces());
            l.backpropGradient(y, LayerWorkspaceMgr.noWorkspaces());
            if (r > 0) {
                best = Math.min(best, (System.nanoTime() - t0) / 1e6);
            }
        }
        return best;
    }

    private static void layers(int batch, int reps, int size) {
        System.out.println("3x3 layer, forward+backward ms: grouped (32 groups, im2col + batched matmul) vs dense"
                + " ConvolutionLayer (oneDNN helper) of the same shape");
        int[][] shapes = {{128, size / 4}, {256, size / 8}, {512, size / 16}, {1024, size / 32}};
        for (int[] s : shapes) {
            int c = s[0];
            INDArray x = Nd4j.randn(DataType.FLOAT, batch, c, s[1], s[1]);
            Layer grouped = standalone(new GroupedConvolution.Builder(3, 3).padding(1, 1).groups(32).nIn(c).nOut(c)
                    .build());
            Layer dense = standalone(new ConvolutionLayer.Builder(3, 3).padding(1, 1).nIn(c).nOut(c).hasBias(false)
                    .activation(org.nd4j.linalg.activations.Activation.IDENTITY).build());
            double tg = time(grouped, x, reps);
            double td = time(dense, x, reps);
            System.out.printf(Locale.ROOT, "  %4d ch %3dx%-3d  grouped %8.1f  dense %8.1f  (dense/grouped %.2f, dense has"
                    + " %dx the FLOPs; helper on dense: %s)%n", c, s[1], s[1], tg, td, td / tg, 32,
                    dense.getHelper() != null);
        }
    }

    private static void networks(int batch, int reps, int size) {
        System.out.println("training step (fit, SGD) and inference (output) per network, ms per batch:");
        Nd4j.getRandom().setSeed(1);
        INDArray x = Nd4j.rand(DataType.FLOAT, batch, 3, size, size);
        INDArray y = Nd4j.zeros(DataType.FLOAT, batch, 1000);
        for (int i = 0; i < batch; i++) {
            y.putScalar(i, i % 1000, 1);
        }
        DataSet data = new DataSet(x, y);
        for (String model : new String[] {"resnext50_32x4d", "wide_resnet50_2", "resnet50"}) {
            ResNetOptions o = ResNetOptions.builder(model).classes(1000).input(3, size, size).build();
            ComputationGraph g = ResNetBuilder.build(o, new Optimization(new Sgd(0.01), 0, 0));
            double[] fit = new double[reps];
            double[] infer = new double[reps];
            g.fit(data);
            for (int r = 0; r < reps; r++) {
                long t0 = System.nanoTime();
                g.fit(data);
                fit[r] = (System.nanoTime() - t0) / 1e6;
            }
            g.outputSingle(false, x);
            for (int r = 0; r < reps; r++) {
                long t0 = System.nanoTime();
                g.outputSingle(false, x);
                infer[r] = (System.nanoTime() - t0) / 1e6;
            }
            System.out.printf(Locale.ROOT, "  %-16s %5.1fM params  step best %8.0f (all %s) = %.2f img/s;  inference best"
                    + " %7.0f = %.2f img/s; %s%n", model, ModelSummary.of(g, o).trainableParams() / 1e6,
                    min(fit), Arrays.toString(Arrays.stream(fit).mapToLong(Math::round).toArray()),
                    batch * 1000 / min(fit), min(infer), batch * 1000 / min(infer), OneDnn.coverage(g));
        }
    }

    private static double min(double[] v) {
        return Arrays.stream(v).min().orElse(Double.NaN);
    }
}
