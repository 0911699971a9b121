package io.resnetspark.model.layers;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Finite differences in double precision against the analytic gradients of the grouped convolution and
 * the channel gate. A dense convolution in front of each checked layer has parameters too, so its
 * gradient check also covers the input gradient that the checked layer passes back.
 */
class GradientCheckTest {
    private static DataType savedDefault;
    private static DataType savedFloat;

    @BeforeAll
    static void doublePrecision() {
        savedDefault = Nd4j.dataType();
        savedFloat = Nd4j.defaultFloatingPointType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @AfterAll
    static void restore() {
        Nd4j.setDefaultDataTypes(savedDefault, savedFloat);
    }

    private static ComputationGraphConfiguration.GraphBuilder graph(int channels, int size) {
        return new NeuralNetConfiguration.Builder().seed(12).dataType(DataType.DOUBLE).updater(new NoOp())
                .convolutionMode(ConvolutionMode.Truncate)
                .weightInit(new NormalDistribution(0, 0.5))
                .graphBuilder().addInputs("in")
                .setInputTypes(InputType.convolutional(size, size, channels))
                .addLayer("front", new ConvolutionLayer.Builder(3, 3).padding(1, 1).nIn(channels).nOut(6)
                        .activation(Activation.TANH).build(), "in");
    }

    private static boolean check(ComputationGraphConfiguration conf, int channels, int size, int classes) {
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        Nd4j.getRandom().setSeed(5);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 3, channels, size, size);
        INDArray y = Nd4j.zeros(DataType.DOUBLE, 3, classes);
        for (int i = 0; i < 3; i++) {
            y.putScalar(i, i % classes, 1.0);
        }
        return GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(g).inputs(new INDArray[] {x})
                .labels(new INDArray[] {y}).epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9)
                .print(GradientCheckUtil.PrintMode.FAILURES_ONLY).exitOnFirstError(false));
    }

    private static OutputLayer head(int in, int classes) {
        return new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX)
                .nIn(in).nOut(classes).build();
    }

    @Test
    void groupedConvolutionWithStridePaddingAndBias() {
        ComputationGraphConfiguration conf = graph(4, 7)
                .addLayer("grouped", new GroupedConvolution.Builder(3, 3).stride(2, 2).padding(1, 1).groups(3)
                        .hasBias(true).nOut(9).build(), "front")
                .addLayer("act", new ActivationLayer.Builder().activation(Activation.TANH).build(), "grouped")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "act")
                .addLayer("out", head(9, 3), "pool")
                .setOutputs("out").build();
        assertTrue(check(conf, 4, 7, 3), "grouped convolution gradients match finite differences");
    }

    @Test
    void groupedConvolutionRectangularKernelDilationNoBias() {
        ComputationGraphConfiguration conf = graph(2, 8)
                .addLayer("grouped", new GroupedConvolution.Builder(3, 2).stride(1, 2).padding(2, 0).dilation(2, 1)
                        .groups(2).nOut(4).build(), "front")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "grouped")
                .addLayer("out", head(4, 2), "pool")
                .setOutputs("out").build();
        assertTrue(check(conf, 2, 8, 2));
    }

    @Test
    void channelGate() {
        ComputationGraphConfiguration conf = graph(3, 5)
                .addLayer("squeeze", new GlobalPoolingLayer.Builder(PoolingType.AVG).collapseDimensions(false).build(),
                        "front")
                .addLayer("fc", new ConvolutionLayer.Builder(1, 1).nOut(6).activation(Activation.SIGMOID).build(),
                        "squeeze")
                .addVertex("gate", new ChannelGate(), "front", "fc")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "gate")
                .addLayer("out", head(6, 2), "pool")
                .setOutputs("out").build();
        assertTrue(check(conf, 3, 5, 2), "channel gate gradients (both inputs) match finite differences");
    }
}
