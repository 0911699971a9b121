package io.resnetspark.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.layers.FrozenLayer;
import org.deeplearning4j.nn.layers.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;

/**
 * Every vertex of a network in execution order with its output shape and parameter counts.
 * {@code trainable} counts what the optimizer updates (torchvision's numbers); {@code all} is DL4J's
 * numParams, which also holds batch-norm running statistics.
 */
public record ModelSummary(String model, String input, List<Row> layers, long trainableParams, long allParams) {

    public record Row(String name, String type, String outputShape, long trainableParams, long allParams) {
    }

    private static final Set<String> BN_STATISTICS = Set.of(BatchNormalizationParamInitializer.GLOBAL_MEAN,
            BatchNormalizationParamInitializer.GLOBAL_VAR, BatchNormalizationParamInitializer.GLOBAL_LOG_STD);

    public static ModelSummary of(ComputationGraph graph, ResNetOptions options) {
        InputType[] inputs = {InputType.convolutional(options.height(), options.width(), options.channels())};
        Map<String, InputType> shapes = graph.getConfiguration().getLayerActivationTypes(inputs);
        String model = options.model();
        List<Row> rows = new ArrayList<>();
        long trainable = 0;
        long all = 0;
        GraphVertex[] vertices = graph.getVertices();
        for (int idx : graph.topologicalSortOrder()) {
            GraphVertex v = vertices[idx];
            String name = v.getVertexName();
            InputType shape = shapes.get(name);
            String type;
            long t = 0;
            long a = 0;
            if (v.hasLayer()) {
                Layer layer = v.getLayer();
                boolean frozen = layer instanceof FrozenLayer || layer instanceof FrozenLayerWithBackprop;
                Layer inner = layer instanceof FrozenLayer f ? f.getInsideLayer()
                        : layer instanceof FrozenLayerWithBackprop fb ? fb.getInsideLayer() : layer;
                type = inner.getClass().getSimpleName() + (frozen ? " (frozen)" : "");
                for (Map.Entry<String, org.nd4j.linalg.api.ndarray.INDArray> p : layer.paramTable().entrySet()) {
                    long n = p.getValue().length();
                    a += n;
                    if (!frozen && !BN_STATISTICS.contains(p.getKey())) {
                        t += n;
                    }
                }
            } else {
                type = v.getClass().getSimpleName();
                if (shape == null) {
                    continue; // the input vertex
                }
            }
            trainable += t;
            all += a;
            rows.add(new Row(name, type, shape == null ? "" : describe(shape), t, a));
        }
        return new ModelSummary(model, describe(inputs[0]), rows, trainable, all);
    }

    /** "64x56x56" for activations (channels first), "512" for vectors. */
    static String describe(InputType t) {
        if (t instanceof InputType.InputTypeConvolutional c) {
            return c.getChannels() + "x" + c.getHeight() + "x" + c.getWidth();
        }
        if (t instanceof InputType.InputTypeFeedForward f) {
            return Long.toString(f.getSize());
        }
        return t.toString();
    }

    /** A fixed-width table for the console. */
    public String table() {
        int nameWidth = Math.max(24, layers.stream().mapToInt(r -> r.name().length()).max().orElse(0) + 2);
        StringBuilder sb = new StringBuilder();
        String fmt = "%-" + nameWidth + "s %-26s %-14s %14s%n";
        sb.append(model).append(", input ").append(input).append('\n');
        sb.append(String.format(fmt, "layer", "type", "output", "trainable"));
        for (Row r : layers) {
            sb.append(String.format(fmt, r.name(), r.type(), r.outputShape(), String.format("%,d", r.trainableParams())));
        }
        sb.append(String.format("trainable parameters: %,d%n", trainableParams));
        sb.append(String.format("all parameters (DL4J numParams, with batch-norm running statistics): %,d%n", allParams));
        return sb.toString();
    }
}
