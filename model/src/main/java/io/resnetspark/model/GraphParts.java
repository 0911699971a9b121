package io.resnetspark.model;

import io.resnetspark.model.layers.GroupedConvolution;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.weights.WeightInitDistribution;
import org.nd4j.linalg.activations.Activation;

/**
 * The layers every block is made of, added to one graph under one set of options: convolutions with
 * torchvision's initialisation, batch norm with PyTorch's momentum and epsilon, activations. Each method
 * adds one vertex and returns its name, so block code reads as a chain of names.
 */
final class GraphParts {
    final GraphBuilder g;
    private final ResNetOptions o;

    GraphParts(GraphBuilder g, ResNetOptions o) {
        this.g = g;
        this.o = o;
    }

    /** A bias-free k x k convolution with padding k/2; {@code groups > 1} gives the grouped layer. */
    String conv(String name, String input, int in, int out, int k, int stride, int groups) {
        Layer layer;
        if (groups == 1) {
            // DL4J's own layer, so that it keeps its oneDNN (or cuDNN) helper
            layer = new ConvolutionLayer.Builder(k, k).stride(stride, stride).padding(k / 2, k / 2)
                    .nIn(in).nOut(out).hasBias(false).activation(Activation.IDENTITY)
                    .weightInit(convInit(out * k * k)).build();
        } else {
            layer = new GroupedConvolution.Builder(k, k).stride(stride, stride).padding(k / 2, k / 2).groups(groups)
                    .nIn(in).nOut(out).hasBias(false).weightInit(convInit(out * k * k)).build();
        }
        g.addLayer(name, layer, input);
        return name;
    }

    String conv(String name, String input, int in, int out, int k, int stride) {
        return conv(name, input, in, out, k, stride, 1);
    }

    /** A 1x1 convolution with a bias (zero at initialisation: DL4J only has constant bias initialisers). */
    String pointwiseWithBias(String name, String input, int in, int out) {
        g.addLayer(name, new ConvolutionLayer.Builder(1, 1).nIn(in).nOut(out).hasBias(true).biasInit(0.0)
                .activation(Activation.IDENTITY).weightInit(convInit(out)).build(), input);
        return name;
    }

    /**
     * Kaiming normal with mode fan_out (torchvision's and timm's choice; for a grouped convolution torch's
     * fan_out is also out x k x k, not divided by the groups), or Xavier.
     */
    private IWeightInit convInit(int fanOut) {
        if ("xavier".equals(o.init())) {
            return WeightInit.XAVIER.getWeightInitFunction();
        }
        return new WeightInitDistribution(new NormalDistribution(0, Math.sqrt(2.0 / fanOut)));
    }

    String bn(String name, String input) {
        g.addLayer(name, new BatchNormalization.Builder()
                .decay(1.0 - o.bnMomentum())
                .eps(o.bnEpsilon())
                .build(), input);
        return name;
    }

    String activation(String name, Activation activation, String input) {
        g.addLayer(name, new ActivationLayer.Builder().activation(activation).build(), input);
        return name;
    }

    String relu(String name, String input) {
        return activation(name, Activation.RELU, input);
    }

    /** Batch norm then ReLU; returns the ReLU's name. */
    String bnRelu(String bnName, String reluName, String input) {
        return relu(reluName, bn(bnName, input));
    }
}
