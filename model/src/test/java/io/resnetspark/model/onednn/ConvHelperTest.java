package io.resnetspark.model.onednn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The convolution helper against DL4J's built-in convolution, for every shape the zoo uses (3x3 stride 1
 * and 2, 1x1 stride 1 and 2, the 7x7 stride-2 ImageNet stem) and a few it could (odd sizes, Same mode,
 * bias, dilation, channel counts that are not a multiple of the SIMD block).
 */
class ConvHelperTest {

    @ParameterizedTest(name = "k{0} s{1} p{2} {3}->{4} {5}x{5} {6} bias={7} dilation={8}")
    @CsvSource({
            "3, 1, 1, 16, 16, 8, Truncate, false, 1",
            "3, 2, 1, 16, 32, 8, Truncate, false, 1",
            "1, 1, 0, 32, 16, 8, Truncate, false, 1",
            "1, 2, 0, 16, 32, 8, Truncate, false, 1",
            "7, 2, 3, 3, 16, 20, Truncate, false, 1",
            "3, 1, 1, 3, 16, 9, Truncate, false, 1",
            "3, 2, 1, 12, 20, 9, Truncate, false, 1",
            "1, 2, 0, 12, 20, 7, Truncate, false, 1",
            "3, 2, 0, 8, 8, 9, Same, false, 1",
            "3, 1, 1, 8, 12, 8, Truncate, true, 1",
            "3, 1, 2, 8, 8, 10, Truncate, false, 2",
    })
    void matchesDl4jForwardAndBackward(int k, int s, int p, int in, int out, int size, ConvolutionMode mode,
                                       boolean bias, int dilation) {
        int batch = 3;
        ComputationGraph own = graph(k, s, p, in, out, size, mode, bias, dilation);
        ComputationGraph ref = Reference.builtIn(graph(k, s, p, in, out, size, mode, bias, dilation));
        OneDnnHelpers.Installed installed = OneDnnHelpers.install(own);
        assertEquals(1, installed.convolutions());
        ref.setParams(own.params());

        Nd4j.getRandom().setSeed(7);
        INDArray x = Nd4j.randn(DataType.FLOAT, batch, in, size, size);
        org.deeplearning4j.nn.layers.convolution.ConvolutionLayer a = layer(own);
        org.deeplearning4j.nn.layers.convolution.ConvolutionLayer b = layer(ref);
        LayerWorkspaceMgr ws = LayerWorkspaceMgr.noWorkspaces();

        a.setInput(x, ws);
        b.setInput(x.dup(), ws);
        INDArray ya = a.activate(true, ws).dup();
        INDArray yb = b.activate(true, ws).dup();
        assertTrue(Reference.relativeError(yb, ya) < Reference.TOLERANCE, "forward " + Reference.relativeError(yb, ya));

        INDArray eps = Nd4j.randn(DataType.FLOAT, yb.shape());
        Pair<Gradient, INDArray> ga = a.backpropGradient(eps.dup(), ws);
        Pair<Gradient, INDArray> gb = b.backpropGradient(eps.dup(), ws);
        double dx = Reference.relativeError(gb.getSecond(), ga.getSecond());
        assertTrue(dx < Reference.TOLERANCE, "input gradient " + dx);
        double dw = Reference.relativeError(gb.getFirst().getGradientFor("W"), ga.getFirst().getGradientFor("W"));
        assertTrue(dw < Reference.TOLERANCE, "weight gradient " + dw);
        if (bias) {
            double db = Reference.relativeError(gb.getFirst().getGradientFor("b"), ga.getFirst().getGradientFor("b"));
            assertTrue(db < Reference.TOLERANCE, "bias gradient " + db);
        }

        ConvHelper h = (ConvHelper) a.getHelper();
        long[] counts = h.counts();
        assertEquals(1, counts[0], "one forward convolution");
        assertEquals(1, counts[1], "the layer's repeat before backprop was answered from the forward");
        assertEquals(1, counts[2], "one backward pass");
        assertFalse(h.describe().contains("wino"), h.describe());
        assertFalse(h.describe().contains("ref:"), "a reference (slow) kernel was chosen: " + h.describe());
    }

    static ComputationGraph graph(int k, int s, int p, int in, int out, int size, ConvolutionMode mode, boolean bias,
                                  int dilation) {
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder()
                .seed(42).dataType(DataType.FLOAT).convolutionMode(mode)
                .graphBuilder().addInputs("in")
                .setInputTypes(InputType.convolutional(size, size, in))
                .addLayer("conv", new ConvolutionLayer.Builder(k, k).stride(s, s).padding(p, p).dilation(dilation, dilation)
                        .nIn(in).nOut(out).hasBias(bias).activation(Activation.IDENTITY)
                        .biasInit(0.1).build(), "in")
                .addLayer("loss", new CnnLossLayer.Builder(LossFunctions.LossFunction.MSE)
                        .activation(Activation.IDENTITY).build(), "conv")
                .setOutputs("loss").build());
        g.init();
        // layer-level backprop writes into the flattened gradient's views, made lazily by fit()
        g.initGradientsView();
        return g;
    }

    private static org.deeplearning4j.nn.layers.convolution.ConvolutionLayer layer(ComputationGraph g) {
        return (org.deeplearning4j.nn.layers.convolution.ConvolutionLayer) g.getLayer("conv");
    }
}
