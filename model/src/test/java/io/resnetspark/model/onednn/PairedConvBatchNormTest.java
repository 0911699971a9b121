package io.resnetspark.model.onednn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * conv -> BN -> ReLU -> conv -> BN with the helpers paired (tensors and gradients handed over in the
 * blocked layout) against DL4J's built-in layers: every gradient of a step, parameters after two steps,
 * inference outputs and the conv activations inference returns (which must be written in plain NCHW).
 */
class PairedConvBatchNormTest {

    @ParameterizedTest(name = "k{0} s{1} {2}->{3} {4}x{4}")
    @CsvSource({"3, 1, 8, 16, 8", "3, 2, 3, 12, 9", "1, 2, 16, 24, 6", "1, 1, 5, 20, 5"})
    void pairedLayersMatchDl4j(int k, int s, int in, int mid, int size) {
        ComputationGraph own = graph(k, s, in, mid, size);
        ComputationGraph ref = Reference.builtIn(graph(k, s, in, mid, size));
        OneDnnHelpers.Installed installed = OneDnnHelpers.install(own);
        assertEquals(2, installed.pairs(), "both conv -> BN pairs");
        ref.setParams(own.params());

        Nd4j.getRandom().setSeed(9);
        INDArray x = Nd4j.randn(DataType.FLOAT, 4, in, size, size);
        INDArray y = Nd4j.randn(DataType.FLOAT, ref.outputSingle(false, x.dup()).shape());
        own.setInputs(x);
        own.setLabels(y);
        own.computeGradientAndScore();
        ref.setInputs(x.dup());
        ref.setLabels(y.dup());
        ref.computeGradientAndScore();
        assertEquals(ref.score(), own.score(), 1e-4 * Math.abs(ref.score()));
        Map<String, INDArray> expected = ref.gradient().gradientForVariable();
        for (Map.Entry<String, INDArray> e : own.gradient().gradientForVariable().entrySet()) {
            double d = Reference.relativeError(expected.get(e.getKey()), e.getValue());
            assertTrue(d < Reference.TOLERANCE, e.getKey() + " gradient differs by " + d);
        }
        for (String conv : new String[] {"conv0", "conv1"}) {
            long[] c = ((ConvHelper) own.getLayer(conv).getHelper()).counts();
            assertEquals(1, c[3], conv + " handed its output over blocked");
            assertEquals(1, c[4], conv + " took its output gradient back blocked");
        }

        for (int step = 0; step < 2; step++) {
            INDArray xs = Nd4j.randn(DataType.FLOAT, 4, in, size, size);
            own.fit(new DataSet(xs, y));
            ref.fit(new DataSet(xs.dup(), y.dup()));
        }
        double d = Reference.relativeError(ref.params(), own.params());
        assertTrue(d < Reference.TOLERANCE, "parameters after 2 steps differ by " + d);

        Map<String, INDArray> a = own.feedForward(x, false);
        Map<String, INDArray> b = ref.feedForward(x.dup(), false);
        for (String layer : new String[] {"conv0", "bn0", "conv1", "loss"}) {
            double e = Reference.relativeError(b.get(layer), a.get(layer));
            assertTrue(e < Reference.TOLERANCE, layer + " inference activation differs by " + e);
        }
    }

    static ComputationGraph graph(int k, int s, int in, int mid, int size) {
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder()
                .seed(42).dataType(DataType.FLOAT).updater(new Sgd(0.01))
                .graphBuilder().addInputs("in")
                .setInputTypes(InputType.convolutional(size, size, in))
                .addLayer("conv0", new ConvolutionLayer.Builder(k, k).stride(s, s).padding(k / 2, k / 2)
                        .nIn(in).nOut(mid).hasBias(false).activation(Activation.IDENTITY).build(), "in")
                .addLayer("bn0", new BatchNormalization.Builder().build(), "conv0")
                .addLayer("relu0", new ActivationLayer.Builder().activation(Activation.RELU).build(), "bn0")
                .addLayer("conv1", new ConvolutionLayer.Builder(3, 3).padding(1, 1)
                        .nIn(mid).nOut(mid).hasBias(false).activation(Activation.IDENTITY).build(), "relu0")
                .addLayer("bn1", new BatchNormalization.Builder().build(), "conv1")
                .addLayer("loss", new CnnLossLayer.Builder(LossFunctions.LossFunction.MSE)
                        .activation(Activation.IDENTITY).build(), "bn1")
                .setOutputs("loss").build());
        g.init();
        return g;
    }
}
