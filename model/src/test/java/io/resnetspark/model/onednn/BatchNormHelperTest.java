package io.resnetspark.model.onednn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
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
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** The batch-norm helper against DL4J's built-in batch norm: training and inference, gradients, running statistics. */
class BatchNormHelperTest {

    @ParameterizedTest(name = "{0}x{1}x{2}x{2}")
    @CsvSource({"4, 16, 8", "3, 12, 7", "2, 64, 4", "5, 3, 5"})
    void trainingForwardBackwardAndRunningStatisticsMatchDl4j(int batch, int channels, int size) {
        ComputationGraph own = graph(channels, size);
        ComputationGraph ref = Reference.builtIn(graph(channels, size));
        assertEquals(1, OneDnnHelpers.install(own).batchNorms());
        Nd4j.getRandom().setSeed(3);
        // gamma/beta away from 1/0 so that a swapped or ignored parameter shows
        INDArray params = own.params().dup();
        params.assign(Nd4j.rand(DataType.FLOAT, params.shape()).muli(0.5).addi(0.75));
        own.setParams(params);
        ref.setParams(params.dup());

        INDArray x = Nd4j.randn(DataType.FLOAT, batch, channels, size, size).muli(2).addi(0.5);
        org.deeplearning4j.nn.layers.normalization.BatchNormalization a = layer(own);
        org.deeplearning4j.nn.layers.normalization.BatchNormalization b = layer(ref);
        LayerWorkspaceMgr ws = LayerWorkspaceMgr.noWorkspaces();
        a.setInput(x, ws);
        b.setInput(x.dup(), ws);
        INDArray ya = a.activate(true, ws).dup();
        INDArray yb = b.activate(true, ws).dup();
        assertTrue(Reference.relativeError(yb, ya) < Reference.TOLERANCE, "training forward " + Reference.relativeError(yb, ya));

        INDArray eps = Nd4j.randn(DataType.FLOAT, x.shape());
        Pair<Gradient, INDArray> ga = a.backpropGradient(eps.dup(), ws);
        Pair<Gradient, INDArray> gb = b.backpropGradient(eps.dup(), ws);
        double dx = Reference.relativeError(gb.getSecond(), ga.getSecond());
        assertTrue(dx < Reference.TOLERANCE, "input gradient " + dx);
        for (String p : new String[] {"gamma", "beta", "mean", "log10stdev"}) {
            INDArray e = gb.getFirst().getGradientFor(p);
            INDArray g = ga.getFirst().getGradientFor(p);
            double d = Reference.relativeError(e, g);
            assertTrue(d < Reference.TOLERANCE, p + " gradient " + d);
        }
        BatchNormHelper h = (BatchNormHelper) a.getHelper();
        assertEquals(1, h.counts()[0]);
        assertEquals(1, h.counts()[2]);

        // inference uses the running statistics
        a.setInput(x, ws);
        b.setInput(x.dup(), ws);
        INDArray ia = a.activate(false, ws).dup();
        INDArray ib = b.activate(false, ws).dup();
        assertTrue(Reference.relativeError(ib, ia) < Reference.TOLERANCE, "inference " + Reference.relativeError(ib, ia));
        assertEquals(1, h.counts()[1]);
    }

    @ParameterizedTest(name = "{0} steps")
    @CsvSource({"3"})
    void fittingMovesParametersAndRunningStatisticsLikeDl4j(int steps) {
        ComputationGraph own = graph(8, 6);
        ComputationGraph ref = Reference.builtIn(graph(8, 6));
        OneDnnHelpers.install(own);
        ref.setParams(own.params());
        Nd4j.getRandom().setSeed(5);
        for (int i = 0; i < steps; i++) {
            INDArray x = Nd4j.randn(DataType.FLOAT, 4, 8, 6, 6).muli(3).addi(1);
            INDArray y = Nd4j.randn(DataType.FLOAT, 4, 8, 6, 6);
            own.fit(new org.nd4j.linalg.dataset.DataSet(x, y));
            ref.fit(new org.nd4j.linalg.dataset.DataSet(x.dup(), y.dup()));
        }
        double d = Reference.relativeError(ref.params(), own.params());
        assertTrue(d < Reference.TOLERANCE, "parameters after fitting " + d);
    }

    static ComputationGraph graph(int channels, int size) {
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder()
                .seed(42).dataType(DataType.FLOAT).updater(new Sgd(0.1))
                .graphBuilder().addInputs("in")
                .setInputTypes(InputType.convolutional(size, size, channels))
                .addLayer("bn", new BatchNormalization.Builder().decay(0.9).eps(1e-5).build(), "in")
                .addLayer("loss", new CnnLossLayer.Builder(LossFunctions.LossFunction.MSE)
                        .activation(Activation.IDENTITY).build(), "bn")
                .setOutputs("loss").build());
        g.init();
        // layer-level backprop writes into the flattened gradient's views, made lazily by fit()
        g.initGradientsView();
        return g;
    }

    private static org.deeplearning4j.nn.layers.normalization.BatchNormalization layer(ComputationGraph g) {
        return (org.deeplearning4j.nn.layers.normalization.BatchNormalization) g.getLayer("bn");
    }
}
