package io.resnetspark.model;

import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.distribution.UniformDistribution;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.ScaleVertex;
import org.deeplearning4j.nn.conf.graph.SubsetVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.weights.WeightInitDistribution;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Builds any ResNet of the depth table as a DL4J ComputationGraph, like torchvision's
 * {@code ResNet(block, layers)}: a stem, one {@link #stage} per table entry, global average pooling and
 * an optional classifier. Vertex names follow torchvision's module names with '_' for '.'.
 */
public final class ResNetBuilder {
    /** The vertex that holds the pooled features: the end of the backbone. */
    public static final String FEATURES = "avgpool";
    /** The classifier layer. */
    public static final String HEAD = "fc";
    public static final String INPUT = "input";

    private final ResNetOptions o;
    private final Architecture arch;
    private GraphBuilder g;

    private ResNetBuilder(ResNetOptions options) {
        this.o = options.validated();
        this.arch = o.architecture();
    }

    /** A new, initialised network. */
    public static ComputationGraph build(ResNetOptions options, Optimization optimization) {
        OneDnn.enable();
        ComputationGraph graph = new ComputationGraph(configuration(options, optimization));
        graph.init();
        return graph;
    }

    public static ComputationGraphConfiguration configuration(ResNetOptions options, Optimization optimization) {
        return new ResNetBuilder(options).graph(optimization);
    }

    private ComputationGraphConfiguration graph(Optimization opt) {
        NeuralNetConfiguration.Builder nn = new NeuralNetConfiguration.Builder()
                .seed(o.seed())
                .updater(opt.updater())
                .convolutionMode(ConvolutionMode.Truncate)
                .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED)
                .cacheMode(CacheMode.NONE);
        if (opt.l2() > 0) {
            nn.l2(opt.l2());
        }
        if (opt.weightDecay() > 0) {
            nn.weightDecay(opt.weightDecay(), true);
        }
        g = nn.graphBuilder().addInputs(INPUT)
                .setInputTypes(InputType.convolutional(o.height(), o.width(), o.channels()));

        String x = stem();
        int channels = arch.stemWidth();
        for (int s = 0; s < arch.stages(); s++) {
            int stride = s == 0 ? 1 : (s == arch.stages() - 1 ? o.lastStride() : 2);
            x = stage(s, x, channels, stride);
            channels = arch.stageOutput(s);
        }
        g.addLayer(FEATURES, new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), x);
        x = FEATURES;
        if (o.includeTop()) {
            if (o.dropout() > 0) {
                // DL4J's dropout argument is the probability of keeping an activation
                g.addLayer("dropout", new DropoutLayer.Builder(1.0 - o.dropout()).build(), x);
                x = "dropout";
            }
            g.addLayer(HEAD, classifier(channels, o.classes()), x);
            x = HEAD;
        }
        g.setOutputs(x);
        return g.build();
    }

    /** The classifier torchvision uses: a linear layer with U(-1/sqrt(fan_in), 1/sqrt(fan_in)) weights. */
    static OutputLayer classifier(int features, int classes) {
        double bound = 1.0 / Math.sqrt(features);
        return new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                .activation(Activation.SOFTMAX)
                .nIn(features).nOut(classes)
                .weightInit(new WeightInitDistribution(new UniformDistribution(-bound, bound)))
                .build();
    }

    private String stem() {
        int w = arch.stemWidth();
        if (o.stem() == Stem.IMAGENET) {
            conv("conv1", INPUT, o.channels(), w, 7, 2);
            bnRelu("bn1", "relu", "conv1");
            g.addLayer("maxpool", new SubsamplingLayer.Builder(PoolingType.MAX)
                    .kernelSize(3, 3).stride(2, 2).padding(1, 1).build(), "relu");
            return "maxpool";
        }
        conv("conv1", INPUT, o.channels(), w, 3, 1);
        bnRelu("bn1", "relu", "conv1");
        return "relu";
    }

    private String stage(int s, String x, int inChannels, int stride) {
        int width = arch.stageWidths()[s];
        int out = arch.stageOutput(s);
        for (int b = 0; b < arch.blocksPerStage()[s]; b++) {
            String p = "layer" + (s + 1) + "_" + b + "_";
            int blockStride = b == 0 ? stride : 1;
            int in = b == 0 ? inChannels : out;
            x = block(p, x, in, width, out, blockStride);
        }
        return x;
    }

    private String block(String p, String x, int in, int width, int out, int stride) {
        String last;
        if (arch.block() == Block.BASIC) {
            conv(p + "conv1", x, in, width, 3, stride);
            bnRelu(p + "bn1", p + "relu1", p + "conv1");
            conv(p + "conv2", p + "relu1", width, out, 3, 1);
            last = bn(p + "bn2", p + "conv2");
        } else {
            conv(p + "conv1", x, in, width, 1, 1);
            bnRelu(p + "bn1", p + "relu1", p + "conv1");
            conv(p + "conv2", p + "relu1", width, width, 3, stride);
            bnRelu(p + "bn2", p + "relu2", p + "conv2");
            conv(p + "conv3", p + "relu2", width, out, 1, 1);
            last = bn(p + "bn3", p + "conv3");
        }
        if (o.residual()) {
            String shortcut = shortcut(p, x, in, out, stride);
            g.addVertex(p + "add", new ElementWiseVertex(ElementWiseVertex.Op.Add), last, shortcut);
            last = p + "add";
        }
        g.addLayer(p + "relu", relu(), last);
        return p + "relu";
    }

    private String shortcut(String p, String x, int in, int out, int stride) {
        boolean shapeChanges = stride != 1 || in != out;
        if (o.shortcut() == Shortcut.C || (o.shortcut() == Shortcut.B && shapeChanges)) {
            conv(p + "downsample_conv", x, in, out, 1, stride);
            return bn(p + "downsample_bn", p + "downsample_conv");
        }
        if (!shapeChanges) {
            return x;
        }
        return zeroPadShortcut(p, x, in, out, stride);
    }

    /** Option A: x[:, :, ::s, ::s] with the missing channels filled by zeros; no parameters. */
    private String zeroPadShortcut(String p, String x, int in, int out, int stride) {
        String sub = x;
        if (stride != 1) {
            sub = p + "shortcut_subsample";
            g.addLayer(sub, new SubsamplingLayer.Builder(PoolingType.MAX)
                    .kernelSize(1, 1).stride(stride, stride).build(), x);
        }
        if (out == in) {
            return sub;
        }
        if (out < in) {
            throw new ModelOptionException("shortcut", "option A cannot shrink " + in + " channels to " + out);
        }
        int missing = out - in;
        String[] parts = new String[1 + (missing + in - 1) / in];
        parts[0] = sub;
        for (int i = 1; i < parts.length; i++) {
            String zeros = p + "shortcut_zeros" + i;
            g.addVertex(zeros, new ScaleVertex(0.0), sub);
            int take = Math.min(in, missing - (i - 1) * in);
            if (take < in) {
                g.addVertex(zeros + "_slice", new SubsetVertex(0, take - 1), zeros);
                zeros = zeros + "_slice";
            }
            parts[i] = zeros;
        }
        g.addVertex(p + "shortcut_pad", new MergeVertex(), parts);
        return p + "shortcut_pad";
    }

    private void conv(String name, String input, int in, int out, int k, int stride) {
        g.addLayer(name, new ConvolutionLayer.Builder(k, k)
                .stride(stride, stride)
                .padding(k / 2, k / 2)
                .nIn(in).nOut(out)
                .hasBias(false)
                .activation(Activation.IDENTITY)
                .weightInit(convInit(out * k * k))
                .build(), input);
    }

    /** Kaiming normal, mode fan_out (torchvision's choice for ResNets), or Xavier. */
    private IWeightInit convInit(int fanOut) {
        if ("xavier".equals(o.init())) {
            return WeightInit.XAVIER.getWeightInitFunction();
        }
        return new WeightInitDistribution(new NormalDistribution(0, Math.sqrt(2.0 / fanOut)));
    }

    private String bn(String name, String input) {
        g.addLayer(name, new BatchNormalization.Builder()
                .decay(1.0 - o.bnMomentum())
                .eps(o.bnEpsilon())
                .build(), input);
        return name;
    }

    private void bnRelu(String bnName, String reluName, String input) {
        bn(bnName, input);
        g.addLayer(reluName, relu(), bnName);
    }

    private static ActivationLayer relu() {
        return new ActivationLayer.Builder().activation(Activation.RELU).build();
    }
}
