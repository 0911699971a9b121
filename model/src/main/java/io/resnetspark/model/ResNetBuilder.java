package io.resnetspark.model;

import io.resnetspark.model.layers.ChannelSlice;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.distribution.UniformDistribution;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.ScaleVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInitDistribution;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Builds any network of the model table as a DL4J ComputationGraph, like torchvision's
 * {@code ResNet(block, layers, groups, width_per_group)}: a stem, one {@link #stage} per table entry,
 * global average pooling and an optional classifier. Vertex names follow torchvision's (timm's, Res2Net's)
 * module names with '_' for '.'; {@link Blocks} lists the mapping.
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
    private GraphParts parts;
    private Blocks blocks;

    private ResNetBuilder(ResNetOptions options, Architecture architecture) {
        this.o = options.validated();
        this.arch = architecture;
    }

    /** A new, initialised network. */
    public static ComputationGraph build(ResNetOptions options, Optimization optimization) {
        return build(options, optimization, options.architecture());
    }

    public static ComputationGraphConfiguration configuration(ResNetOptions options, Optimization optimization) {
        return configuration(options, optimization, options.architecture());
    }

    /**
     * A network of a row that is not in the table (tests use narrow, one-block-per-stage rows to train
     * and serialise every block kind cheaply); the options still name a table row for their validation.
     */
    static ComputationGraph build(ResNetOptions options, Optimization optimization, Architecture architecture) {
        OneDnn.enable();
        ComputationGraph graph = new ComputationGraph(configuration(options, optimization, architecture));
        graph.init();
        return OneDnn.install(graph);
    }

    static ComputationGraphConfiguration configuration(ResNetOptions options, Optimization optimization,
                                                       Architecture architecture) {
        return new ResNetBuilder(options, architecture).graph(optimization);
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
        parts = new GraphParts(g, o);
        blocks = new Blocks(parts, arch);

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
            parts.conv("conv1", INPUT, o.channels(), w, 7, 2);
            parts.bnRelu("bn1", "relu", "conv1");
            g.addLayer("maxpool", new SubsamplingLayer.Builder(PoolingType.MAX)
                    .kernelSize(3, 3).stride(2, 2).padding(1, 1).build(), "relu");
            return "maxpool";
        }
        parts.conv("conv1", INPUT, o.channels(), w, 3, 1);
        return parts.bnRelu("bn1", "relu", "conv1");
    }

    private String stage(int s, String x, int inChannels, int stride) {
        int out = arch.stageOutput(s);
        for (int b = 0; b < arch.blocksPerStage()[s]; b++) {
            String p = "layer" + (s + 1) + "_" + b + "_";
            int blockStride = b == 0 ? stride : 1;
            int in = b == 0 ? inChannels : out;
            x = block(p, x, s, in, out, blockStride, b == 0);
        }
        return x;
    }

    private String block(String p, String x, int stage, int in, int out, int stride, boolean first) {
        String last = blocks.branch(p, x, stage, in, out, stride, first);
        if (o.residual()) {
            String shortcut = shortcut(p, x, in, out, stride);
            g.addVertex(p + "add", new ElementWiseVertex(ElementWiseVertex.Op.Add), last, shortcut);
            last = p + "add";
        }
        return parts.relu(p + "relu", last);
    }

    private String shortcut(String p, String x, int in, int out, int stride) {
        boolean shapeChanges = stride != 1 || in != out;
        if (o.shortcut() == Shortcut.C || (o.shortcut() == Shortcut.B && shapeChanges)) {
            parts.conv(p + "downsample_conv", x, in, out, 1, stride);
            return parts.bn(p + "downsample_bn", p + "downsample_conv");
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
        String[] pieces = new String[1 + (missing + in - 1) / in];
        pieces[0] = sub;
        for (int i = 1; i < pieces.length; i++) {
            String zeros = p + "shortcut_zeros" + i;
            g.addVertex(zeros, new ScaleVertex(0.0), sub);
            int take = Math.min(in, missing - (i - 1) * in);
            if (take < in) {
                g.addVertex(zeros + "_slice", new ChannelSlice(0, take - 1), zeros);
                zeros = zeros + "_slice";
            }
            pieces[i] = zeros;
        }
        g.addVertex(p + "shortcut_pad", new MergeVertex(), pieces);
        return p + "shortcut_pad";
    }
}
