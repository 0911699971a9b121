package io.resnetspark.model.layers;

import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Configuration of the multiply at the end of a squeeze-and-excitation module: input 0 is the feature map
 * [N, C, H, W], input 1 the per-channel gate [N, C, 1, 1], and the output is their product broadcast over
 * H and W (timm's {@code x * self.gate(x_se)}). DL4J's ElementWiseVertex computes broadcast products but
 * its shape check refuses a [C, 1, 1] input beside a [C, H, W] one, hence this vertex.
 */
public class ChannelGate extends GraphVertex {

    @Override
    public ChannelGate clone() {
        return new ChannelGate();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelGate;
    }

    @Override
    public int hashCode() {
        return ChannelGate.class.getName().hashCode();
    }

    @Override
    public long numParams(boolean backprop) {
        return 0;
    }

    @Override
    public int minVertexInputs() {
        return 2;
    }

    @Override
    public int maxVertexInputs() {
        return 2;
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
                                                                      INDArray paramsView, boolean initializeParams,
                                                                      DataType networkDatatype) {
        return new ChannelGateVertex(graph, name, idx, networkDatatype);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... in) throws InvalidInputTypeException {
        if (in.length != 2 || !(in[0] instanceof InputType.InputTypeConvolutional x)
                || !(in[1] instanceof InputType.InputTypeConvolutional gate)) {
            throw new InvalidInputTypeException("a channel gate takes a feature map and a gate, both images");
        }
        if (gate.getChannels() != x.getChannels() || gate.getHeight() != 1 || gate.getWidth() != 1) {
            throw new InvalidInputTypeException("a channel gate for " + x + " needs a gate of " + x.getChannels()
                    + "x1x1, got " + gate);
        }
        return x;
    }

    @Override
    public MemoryReport getMemoryReport(InputType... inputTypes) {
        InputType out = getOutputType(-1, inputTypes);
        return new LayerMemoryReport.Builder(null, ChannelGate.class, inputTypes[0], out)
                .standardMemory(0, 0).workingMemory(0, 0, 0, 0).cacheMemory(0, 0).build();
    }
}
