package io.resnetspark.model.layers;

import org.deeplearning4j.nn.conf.graph.SubsetVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Channels {@code from..to} (inclusive) of an image activation: DL4J's SubsetVertex, whose run-time part
 * is right, with the output type it gets wrong for images in 1.0.0-M2.1 (it reports {@code from - to + 1}
 * channels, a negative number, so any layer after it fails to configure).
 */
public class ChannelSlice extends SubsetVertex {

    public ChannelSlice(@JsonProperty("from") int from, @JsonProperty("to") int to) {
        super(from, to);
    }

    @Override
    public ChannelSlice clone() {
        return new ChannelSlice(getFrom(), getTo());
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) throws InvalidInputTypeException {
        int from = getFrom();
        int to = getTo();
        if (vertexInputs.length == 1 && vertexInputs[0] instanceof InputType.InputTypeConvolutional c) {
            if (from < 0 || to < from || to >= c.getChannels()) {
                throw new InvalidInputTypeException("cannot take channels " + from + ".." + to + " of " + c);
            }
            return InputType.convolutional(c.getHeight(), c.getWidth(), to - from + 1, c.getFormat());
        }
        return super.getOutputType(layerIndex, vertexInputs);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelSlice s && s.getFrom() == getFrom() && s.getTo() == getTo();
    }

    @Override
    public int hashCode() {
        return 31 * getFrom() + getTo() + 7;
    }
}
