package io.resnetspark.model;

import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The classifier's scores before softmax. DL4J's output layer only hands out probabilities, and
 * logits are what other frameworks (torch, an exported ONNX file) report, so comparisons and
 * calibration need them: they are the head's input times its weights plus its bias.
 */
public final class Logits {
    private Logits() {
    }

    /** [batch, classes] logits of a network with a head, in inference mode. */
    public static INDArray of(ComputationGraph graph, INDArray input) {
        String headInput = headInput(graph);
        INDArray features = graph.output(List.of(headInput), false, new INDArray[] {input}, null)[0];
        return logits(graph, features);
    }

    /** {logits, probabilities}, both [batch, classes], from one forward pass in inference mode. */
    public static INDArray[] withProbabilities(ComputationGraph graph, INDArray input) {
        INDArray[] out = graph.output(List.of(headInput(graph), ResNetBuilder.HEAD), false, new INDArray[] {input},
                null);
        return new INDArray[] {logits(graph, out[0]), out[1]};
    }

    private static String headInput(ComputationGraph graph) {
        if (graph.getVertex(ResNetBuilder.HEAD) == null) {
            throw new ModelOptionException("include_top", "the network has no classifier (" + ResNetBuilder.HEAD
                    + "), so it has no logits");
        }
        return graph.getConfiguration().getVertexInputs().get(ResNetBuilder.HEAD).get(0);
    }

    private static INDArray logits(ComputationGraph graph, INDArray features) {
        Layer head = graph.getLayer(ResNetBuilder.HEAD);
        return features.mmul(head.getParam("W")).addiRowVector(head.getParam("b"));
    }
}
