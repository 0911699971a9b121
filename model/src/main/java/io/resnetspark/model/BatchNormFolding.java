package io.resnetspark.model;

import io.resnetspark.model.layers.GroupedConvolution;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * An inference copy of a trained network in which every convolution (grouped ones included) followed
 * only by a batch norm becomes one convolution with a bias: {@code W' = W * gamma / sqrt(var + eps)} per
 * output channel and {@code b' = beta + (b - mean) * gamma / sqrt(var + eps)}. With running statistics BN is an affine map,
 * so the outputs are the same up to float rounding, and a ResNet saves one pass over every activation
 * map. The copy cannot be trained (batch statistics are gone); the original is left untouched.
 */
public final class BatchNormFolding {
    private BatchNormFolding() {
    }

    /** The folded copy, and which BN layer went into which convolution. */
    public record Folded(ComputationGraph graph, Map<String, String> bnIntoConv) {
    }

    public static ComputationGraph fold(ComputationGraph trained) {
        return foldWithReport(trained).graph();
    }

    public static Folded foldWithReport(ComputationGraph trained) {
        ComputationGraphConfiguration conf = trained.getConfiguration().clone();
        Map<String, GraphVertex> vertices = conf.getVertices();
        Map<String, List<String>> inputs = conf.getVertexInputs();
        Map<String, List<String>> consumers = consumers(inputs);
        Map<String, String> bnIntoConv = new LinkedHashMap<>();
        for (Map.Entry<String, GraphVertex> e : vertices.entrySet()) {
            String bn = e.getKey();
            // (DL4J's BN layer never applies its configured activation, so that needs no check)
            if (!(layerOf(e.getValue()) instanceof BatchNormalization bnConf) || bnConf.isLockGammaBeta()) {
                continue;
            }
            List<String> in = inputs.get(bn);
            if (in == null || in.size() != 1) {
                continue;
            }
            String conv = in.get(0);
            GraphVertex cv = vertices.get(conv);
            if (cv == null || !foldable(layerOf(cv), bnConf)
                    || ((LayerVertex) e.getValue()).getPreProcessor() != null
                    || !List.of(bn).equals(consumers.get(conv)) || conf.getNetworkOutputs().contains(conv)) {
                continue;
            }
            bnIntoConv.put(bn, conv);
        }
        for (Map.Entry<String, String> f : bnIntoConv.entrySet()) {
            org.deeplearning4j.nn.conf.layers.Layer convConf = layerOf(vertices.get(f.getValue()));
            if (convConf instanceof GroupedConvolution grouped) {
                grouped.setHasBias(true);
            } else {
                ((ConvolutionLayer) convConf).setHasBias(true);
            }
            vertices.remove(f.getKey());
            inputs.remove(f.getKey());
        }
        for (List<String> in : inputs.values()) {
            in.replaceAll(v -> bnIntoConv.getOrDefault(v, v));
        }
        conf.setNetworkOutputs(new ArrayList<>(conf.getNetworkOutputs().stream()
                .map(v -> bnIntoConv.getOrDefault(v, v)).toList()));
        // the cached order still names the removed vertices; DL4J recomputes it when it is null
        conf.setTopologicalOrder(null);
        conf.setTopologicalOrderStr(null);

        ComputationGraph folded = new ComputationGraph(conf);
        folded.init();
        OneDnn.install(folded);
        Map<String, String> convToBn = new HashMap<>();
        bnIntoConv.forEach((bn, conv) -> convToBn.put(conv, bn));
        for (Layer target : folded.getLayers()) {
            String name = target.conf().getLayer().getLayerName();
            Layer source = trained.getLayer(name);
            String bn = convToBn.get(name);
            if (bn != null) {
                foldInto(target, source, trained.getLayer(bn));
            } else {
                for (Map.Entry<String, INDArray> p : source.paramTable().entrySet()) {
                    target.getParam(p.getKey()).assign(p.getValue());
                }
            }
        }
        return new Folded(folded, bnIntoConv);
    }

    /**
     * Exactly ConvolutionLayer (depthwise/separable/deconvolution keep their weights in other shapes) or the
     * grouped convolution, whose W [out, in/groups, kH, kW] also has one row of weights per output channel,
     * so the same per-row scaling folds it. Neither may have an activation, and the layouts must agree.
     */
    private static boolean foldable(org.deeplearning4j.nn.conf.layers.Layer conv, BatchNormalization bnConf) {
        if (conv instanceof GroupedConvolution) {
            return bnConf.getCnn2DFormat() == CNN2DFormat.NCHW;
        }
        return conv != null && conv.getClass() == ConvolutionLayer.class
                && ((ConvolutionLayer) conv).getActivationFn() instanceof ActivationIdentity
                && ((ConvolutionLayer) conv).getCnn2dDataFormat() == bnConf.getCnn2DFormat();
    }

    private static void foldInto(Layer target, Layer conv, Layer bn) {
        BatchNormalization bnConf = (BatchNormalization) bn.conf().getLayer();
        // in double: var + eps and the division lose digits in float for tiny variances
        INDArray gamma = vector(bn, BatchNormalizationParamInitializer.GAMMA);
        INDArray beta = vector(bn, BatchNormalizationParamInitializer.BETA);
        INDArray mean = vector(bn, BatchNormalizationParamInitializer.GLOBAL_MEAN);
        INDArray var;
        if (bnConf.isUseLogStd()) {
            // DL4J keeps log10 of the running standard deviation when useLogStd is on (its default)
            INDArray s = Transforms.pow(Nd4j.valueArrayOf(mean.shape(), 10.0, DataType.DOUBLE),
                    vector(bn, BatchNormalizationParamInitializer.GLOBAL_LOG_STD), false);
            var = s.mul(s);
        } else {
            var = vector(bn, BatchNormalizationParamInitializer.GLOBAL_VAR);
        }
        INDArray std = Transforms.sqrt(var.add(bnConf.getEps()), false);
        INDArray scale = gamma.div(std);
        INDArray w = conv.getParam("W").castTo(DataType.DOUBLE);
        long out = w.size(0);
        INDArray scaled = w.reshape('c', out, w.length() / out).mulColumnVector(scale.reshape(out, 1));
        target.getParam("W").assign(scaled.reshape('c', w.shape()).castTo(target.getParam("W").dataType()));
        INDArray oldBias = conv.paramTable().containsKey("b")
                ? conv.getParam("b").castTo(DataType.DOUBLE).reshape(out) : Nd4j.zeros(DataType.DOUBLE, out);
        INDArray bias = beta.add(oldBias.sub(mean).mul(scale));
        INDArray b = target.getParam("b");
        b.assign(bias.reshape(b.shape()).castTo(b.dataType()));
    }

    private static INDArray vector(Layer l, String key) {
        INDArray p = l.getParam(key);
        return p.castTo(DataType.DOUBLE).reshape(p.length());
    }

    private static org.deeplearning4j.nn.conf.layers.Layer layerOf(GraphVertex v) {
        return v instanceof LayerVertex lv && lv.getLayerConf() != null ? lv.getLayerConf().getLayer() : null;
    }

    private static Map<String, List<String>> consumers(Map<String, List<String>> inputs) {
        Map<String, List<String>> out = new HashMap<>();
        inputs.forEach((v, in) -> in.forEach(i -> out.computeIfAbsent(i, k -> new ArrayList<>()).add(v)));
        return out;
    }
}
