package io.resnetspark.model.weights;

import io.resnetspark.model.ResNetBuilder;
import io.resnetspark.model.layers.GroupedConvolution;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * How a zoo network's parameters are named in torchvision's (and timm's) state dicts, and how each
 * tensor is laid out there. The names come from the built graph (its vertex names are the reference
 * module names with '_' for '.', see Blocks), so the builder stays the one table of what a network
 * contains: the same rule names ResNeXt's grouped conv2, timm's SE convolutions (se.fc1, se.fc2, with
 * biases) and Res2Net's per-scale convs.i / bns.i.
 *
 * <p>Layouts: a convolution's weight is OIHW in both (DL4J's "W" is [out, in, kH, kW] in 'c' order); a
 * linear weight is [out, in] in torch and [in, out] in DL4J; BN's running variance is stored by DL4J,
 * when its {@code useLogStd} is on (the default), as log10 of the standard deviation without eps,
 * which DL4J adds at inference as torch does.
 */
final class TorchNames {
    static final String HEAD_WEIGHT = ResNetBuilder.HEAD + ".weight";
    static final double TORCH_BN_EPS = 1e-5;
    /** torch counts BN updates here; it changes nothing at inference (momentum is set, not cumulative). */
    static final String BN_COUNTER = "num_batches_tracked";
    /** The floor under a running variance before its log: torch allows 0, a log does not. */
    private static final double MIN_VARIANCE = 1e-30;

    private TorchNames() {
    }

    /** One tensor the network needs: its torch key and shape, and the DL4J parameter it fills. */
    record Slot(String key, long[] torchShape, Layer layer, String param, Layout layout) {
        void assign(WeightTensor t) {
            INDArray target = layer.getParam(param);
            switch (layout) {
                case SAME -> target.assign(t.toArray());
                case TRANSPOSED -> target.assign(t.toArray().transpose());
                case VECTOR -> target.assign(t.toArray().reshape(target.shape()));
                case LOG10_STD -> {
                    float[] logStd = new float[t.values().length];
                    for (int i = 0; i < logStd.length; i++) {
                        logStd[i] = (float) (0.5 * Math.log10(Math.max(t.values()[i], MIN_VARIANCE)));
                    }
                    target.assign(Nd4j.create(logStd, target.shape(), 'c'));
                }
            }
        }
    }

    enum Layout { SAME, TRANSPOSED, VECTOR, LOG10_STD }

    /** torchvision's module path for a zoo vertex: "layer1_0_downsample_conv" is "layer1.0.downsample.0". */
    static String module(String vertex) {
        return vertex.replace("downsample_conv", "downsample.0").replace("downsample_bn", "downsample.1")
                .replace('_', '.');
    }

    /** Every parameter tensor of the graph as torch names it; the head only when it is to be filled. */
    static List<Slot> slots(ComputationGraph graph, boolean withHead) {
        List<Slot> slots = new ArrayList<>();
        for (Layer l : graph.getLayers()) {
            if (l.numParams() == 0) {
                continue;
            }
            String vertex = l.conf().getLayer().getLayerName();
            if (vertex.equals(ResNetBuilder.HEAD) && !withHead) {
                continue;
            }
            String m = module(vertex);
            org.deeplearning4j.nn.conf.layers.Layer conf = l.conf().getLayer();
            if (conf.getClass() == ConvolutionLayer.class || conf instanceof GroupedConvolution) {
                // a grouped weight is torch's [out, in / groups, kH, kW] too (GroupedConvolution's layout)
                slots.add(new Slot(m + ".weight", l.getParam("W").shape(), l, "W", Layout.SAME));
                if (l.paramTable().containsKey("b")) {
                    slots.add(new Slot(m + ".bias", new long[] {l.getParam("b").length()}, l, "b", Layout.VECTOR));
                }
            } else if (conf instanceof BatchNormalization bn) {
                long[] c = {l.getParam(BatchNormalizationParamInitializer.GAMMA).length()};
                slots.add(new Slot(m + ".weight", c, l, BatchNormalizationParamInitializer.GAMMA, Layout.VECTOR));
                slots.add(new Slot(m + ".bias", c, l, BatchNormalizationParamInitializer.BETA, Layout.VECTOR));
                slots.add(new Slot(m + ".running_mean", c, l, BatchNormalizationParamInitializer.GLOBAL_MEAN,
                        Layout.VECTOR));
                slots.add(bn.isUseLogStd()
                        ? new Slot(m + ".running_var", c, l, BatchNormalizationParamInitializer.GLOBAL_LOG_STD,
                                Layout.LOG10_STD)
                        : new Slot(m + ".running_var", c, l, BatchNormalizationParamInitializer.GLOBAL_VAR,
                                Layout.VECTOR));
            } else if (conf instanceof DenseLayer || conf instanceof BaseOutputLayer) {
                long[] w = l.getParam("W").shape();
                slots.add(new Slot(m + ".weight", new long[] {w[1], w[0]}, l, "W", Layout.TRANSPOSED));
                if (l.paramTable().containsKey("b")) {
                    slots.add(new Slot(m + ".bias", new long[] {w[1]}, l, "b", Layout.VECTOR));
                }
            } else {
                throw new IllegalStateException("no torch name for layer " + vertex + " ("
                        + conf.getClass().getSimpleName() + ")");
            }
        }
        return slots;
    }

    /** Keys a file may carry that the network does not use. */
    static boolean ignorable(String key, boolean keepHead) {
        return key.endsWith("." + BN_COUNTER) || (!keepHead && key.startsWith(ResNetBuilder.HEAD + "."));
    }

    /**
     * The keys without the "module." that nn.DataParallel adds (or the "model." of a Lightning module),
     * when every key has it; otherwise the keys as they are.
     */
    static Map<String, WeightTensor> withoutWrapperPrefix(Map<String, WeightTensor> tensors) {
        for (String prefix : List.of("module.", "model.")) {
            if (!tensors.isEmpty() && tensors.keySet().stream().allMatch(k -> k.startsWith(prefix))) {
                Map<String, WeightTensor> out = new LinkedHashMap<>();
                tensors.forEach((k, v) -> out.put(k.substring(prefix.length()), v));
                return out;
            }
        }
        return tensors;
    }
}
