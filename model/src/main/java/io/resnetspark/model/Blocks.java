package io.resnetspark.model;

import io.resnetspark.model.layers.ChannelGate;
import io.resnetspark.model.layers.ChannelSlice;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.nd4j.linalg.activations.Activation;

/**
 * The residual branch of each {@link Block} kind, up to (not including) the shortcut add.
 *
 * <p>Vertex names are the reference implementations' module paths with '_' for '.', prefixed by the
 * block ("layer2_0_"), so that a state-dict key maps onto a vertex by string replacement:
 * <pre>
 *   torchvision / timm / Res2Net key      vertex
 *   layer1.0.conv2.weight                 layer1_0_conv2 (W; GroupedConvolution when groups > 1, same OIHW layout)
 *   layer1.0.bn2.{weight,bias,running_*}  layer1_0_bn2
 *   layer1.0.downsample.0 / .1            layer1_0_downsample_conv / layer1_0_downsample_bn
 *   layer1.0.se.fc1 / se.fc2 (timm)       layer1_0_se_fc1 / layer1_0_se_fc2 (1x1 convs with bias "b")
 *   layer1.0.convs.0 / bns.0 (Res2Net)    layer1_0_convs_0 / layer1_0_bns_0
 * </pre>
 * Vertices without parameters have no key and are named for what they do: relu1/relu2 (torch reuses one
 * ReLU module), se_pool, se_act, se_gate and se (the product), Res2Net's split_i, sum_i, relus_i, pool_pad
 * and pool (its AvgPool2d, no parameters) and cat.
 */
final class Blocks {
    private final GraphParts parts;
    private final Architecture arch;

    Blocks(GraphParts parts, Architecture arch) {
        this.parts = parts;
        this.arch = arch;
    }

    /**
     * Adds the residual branch of one block and returns its last vertex (a batch norm, or the SE product).
     * {@code firstInStage} matters to Res2Net only: its stage-opening block treats the parts independently.
     */
    String branch(String p, String x, int stage, int in, int out, int stride, boolean firstInStage) {
        return switch (arch.block()) {
            case BASIC -> basic(p, x, in, out, stride);
            case BOTTLENECK -> bottleneck(p, x, stage, in, out, stride);
            case SE_BOTTLENECK -> squeezeExcitation(p, bottleneck(p, x, stage, in, out, stride), out);
            case RES2NET -> res2net(p, x, stage, in, out, stride, firstInStage);
        };
    }

    private String basic(String p, String x, int in, int out, int stride) {
        parts.conv(p + "conv1", x, in, out, 3, stride);
        parts.bnRelu(p + "bn1", p + "relu1", p + "conv1");
        parts.conv(p + "conv2", p + "relu1", out, out, 3, 1);
        return parts.bn(p + "bn2", p + "conv2");
    }

    /** torchvision's Bottleneck; ResNeXt and Wide ResNet differ only in the 3x3's width and groups. */
    private String bottleneck(String p, String x, int stage, int in, int out, int stride) {
        int width = arch.innerWidth(stage);
        parts.conv(p + "conv1", x, in, width, 1, 1);
        parts.bnRelu(p + "bn1", p + "relu1", p + "conv1");
        parts.conv(p + "conv2", p + "relu1", width, width, 3, stride, arch.groups());
        parts.bnRelu(p + "bn2", p + "relu2", p + "conv2");
        parts.conv(p + "conv3", p + "relu2", width, out, 1, 1);
        return parts.bn(p + "bn3", p + "conv3");
    }

    /** timm's SEModule on the block output x: x * sigmoid(fc2(relu(fc1(mean_hw(x))))). */
    private String squeezeExcitation(String p, String x, int channels) {
        int squeezed = Block.seWidth(channels);
        parts.g.addLayer(p + "se_pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).collapseDimensions(false)
                .build(), x);
        parts.pointwiseWithBias(p + "se_fc1", p + "se_pool", channels, squeezed);
        parts.relu(p + "se_act", p + "se_fc1");
        parts.pointwiseWithBias(p + "se_fc2", p + "se_act", squeezed, channels);
        parts.activation(p + "se_gate", Activation.SIGMOID, p + "se_fc2");
        parts.g.addVertex(p + "se", new ChannelGate(), x, p + "se_gate");
        return p + "se";
    }

    /**
     * The Res2Net paper's Bottle2neck (reference code, stype 'stage' for a stage's first block, 'normal'
     * after): parts of {@code groupWidth} channels; part i (i < scale - 1) goes through convs_i/bns_i/ReLU,
     * fed part i plus the previous result in a normal block; the last part passes through (normal) or
     * through a 3x3 average pool with the block's stride (stage); the results are concatenated.
     */
    private String res2net(String p, String x, int stage, int in, int out, int stride, boolean stageBlock) {
        int w = arch.groupWidth(stage) * arch.groups();
        int scale = arch.scale();
        int width = w * scale;
        parts.conv(p + "conv1", x, in, width, 1, 1);
        String reduced = parts.bnRelu(p + "bn1", p + "relu1", p + "conv1");
        int convolved = scale == 1 ? 1 : scale - 1;
        String[] results = new String[scale];
        String previous = null;
        for (int i = 0; i < convolved; i++) {
            String part = scale == 1 ? reduced : split(p, reduced, i, w);
            if (i > 0 && !stageBlock) {
                parts.g.addVertex(p + "sum_" + i, new ElementWiseVertex(ElementWiseVertex.Op.Add), previous, part);
                part = p + "sum_" + i;
            }
            parts.conv(p + "convs_" + i, part, w, w, 3, stride, arch.groups());
            previous = parts.bnRelu(p + "bns_" + i, p + "relus_" + i, p + "convs_" + i);
            results[i] = previous;
        }
        String joined = previous;
        if (scale > 1) {
            String last = split(p, reduced, scale - 1, w);
            if (stageBlock) {
                // torch's AvgPool2d(3, stride, padding=1) divides by 9 at the borders too (count_include_pad).
                // DL4J's padded average pool divided by the cells inside the image instead (7% off at 64 px in
                // TorchParityTest; its oneDNN helper passes no include-padding flag), so the zeros are padded
                // explicitly and the pool itself has none.
                parts.g.addLayer(p + "pool_pad", new ZeroPaddingLayer.Builder(1, 1).build(), last);
                parts.g.addLayer(p + "pool", new SubsamplingLayer.Builder(PoolingType.AVG).kernelSize(3, 3)
                        .stride(stride, stride).padding(0, 0).build(), p + "pool_pad");
                last = p + "pool";
            }
            results[scale - 1] = last;
            parts.g.addVertex(p + "cat", new MergeVertex(), results);
            joined = p + "cat";
        }
        parts.conv(p + "conv3", joined, width, out, 1, 1);
        return parts.bn(p + "bn3", p + "conv3");
    }

    private String split(String p, String input, int i, int w) {
        String name = p + "split_" + i;
        parts.g.addVertex(name, new ChannelSlice(i * w, (i + 1) * w - 1), input);
        return name;
    }
}
