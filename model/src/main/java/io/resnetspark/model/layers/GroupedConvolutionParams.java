package io.resnetspark.model.layers;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.weights.WeightInitUtil;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The parameters of a {@link GroupedConvolution}: "W" [nOut, nIn/groups, kH, kW] first, then "b" [1, nOut]
 * when it has a bias, both views into the network's one flat parameter vector.
 */
final class GroupedConvolutionParams implements ParamInitializer {
    static final GroupedConvolutionParams INSTANCE = new GroupedConvolutionParams();
    static final String WEIGHT = "W";
    static final String BIAS = "b";

    private GroupedConvolutionParams() {
    }

    static long[] weightShape(GroupedConvolution c) {
        int[] k = c.getKernelSize();
        return new long[] {c.getNOut(), c.getNIn() / c.getGroups(), k[0], k[1]};
    }

    private static long weightCount(GroupedConvolution c) {
        long[] s = weightShape(c);
        return s[0] * s[1] * s[2] * s[3];
    }

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public long numParams(Layer layer) {
        GroupedConvolution c = (GroupedConvolution) layer;
        return weightCount(c) + (c.hasBias() ? c.getNOut() : 0);
    }

    @Override
    public List<String> paramKeys(Layer layer) {
        return ((GroupedConvolution) layer).hasBias() ? List.of(WEIGHT, BIAS) : List.of(WEIGHT);
    }

    @Override
    public List<String> weightKeys(Layer layer) {
        return List.of(WEIGHT);
    }

    @Override
    public List<String> biasKeys(Layer layer) {
        return ((GroupedConvolution) layer).hasBias() ? List.of(BIAS) : Collections.emptyList();
    }

    @Override
    public boolean isWeightParam(Layer layer, String key) {
        return WEIGHT.equals(key);
    }

    @Override
    public boolean isBiasParam(Layer layer, String key) {
        return BIAS.equals(key);
    }

    @Override
    public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
        GroupedConvolution c = (GroupedConvolution) conf.getLayer();
        Map<String, INDArray> views = split(c, paramsView);
        if (initializeParams) {
            int[] k = c.getKernelSize();
            // torch's fans for grouped weights: fan_in sees one group's channels, fan_out all outputs
            double fanIn = (double) c.getNIn() / c.getGroups() * k[0] * k[1];
            double fanOut = (double) c.getNOut() * k[0] * k[1];
            c.getWeightInitFn().init(fanIn, fanOut, weightShape(c), 'c', views.get(WEIGHT));
            if (c.hasBias()) {
                views.get(BIAS).assign(c.getBiasInit());
            }
        }
        for (String key : views.keySet()) {
            conf.addVariable(key);
        }
        return Collections.synchronizedMap(views);
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
        return split((GroupedConvolution) conf.getLayer(), gradientView);
    }

    private static Map<String, INDArray> split(GroupedConvolution c, INDArray flat) {
        INDArray v = flat.reshape(flat.length());
        long w = weightCount(c);
        Map<String, INDArray> out = new LinkedHashMap<>();
        out.put(WEIGHT, WeightInitUtil.reshapeWeights(weightShape(c), v.get(NDArrayIndex.interval(0, w)), 'c'));
        if (c.hasBias()) {
            out.put(BIAS, v.get(NDArrayIndex.interval(w, w + c.getNOut())).reshape(1, c.getNOut()));
        }
        return out;
    }
}
