package io.resnetspark.model.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import onnx.Onnx;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.protobuf.ByteString;

/** The few protobuf shapes the exporter emits (nodes, attributes, float/int64 initializers), in one place. */
final class OnnxGraphBuilder {
    private final Onnx.GraphProto.Builder graph = Onnx.GraphProto.newBuilder();

    OnnxGraphBuilder(String name) {
        graph.setName(name);
    }

    Onnx.GraphProto.Builder proto() {
        return graph;
    }

    /** Adds a node whose single output is named {@code output}; returns that name. */
    String node(String opType, String name, String output, String[] inputs, Onnx.AttributeProto... attributes) {
        Onnx.NodeProto.Builder n = Onnx.NodeProto.newBuilder().setOpType(opType).setName(name).addOutput(output);
        for (String in : inputs) {
            n.addInput(in);
        }
        for (Onnx.AttributeProto a : attributes) {
            n.addAttribute(a);
        }
        graph.addNode(n);
        return output;
    }

    /** A float32 initializer holding {@code values} in row-major order with the given shape. */
    String floats(String name, INDArray values, long... shape) {
        INDArray c = values.castTo(DataType.FLOAT).dup('c');
        if (c.length() != Arrays.stream(shape).reduce(1, (a, b) -> a * b)) {
            throw new IllegalArgumentException(name + ": " + c.length() + " values for " + Arrays.toString(shape));
        }
        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(c.length() * 4)).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : c.data().asFloat()) {
            b.putFloat(f);
        }
        b.flip();
        graph.addInitializer(tensor(name, Onnx.TensorProto.DataType.FLOAT, shape).setRawData(ByteString.copyFrom(b)));
        return name;
    }

    /** An int64 initializer (Slice's starts/ends/axes are inputs, not attributes, since opset 10). */
    String longs(String name, long... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        b.flip();
        graph.addInitializer(tensor(name, Onnx.TensorProto.DataType.INT64, values.length)
                .setRawData(ByteString.copyFrom(b)));
        return name;
    }

    private static Onnx.TensorProto.Builder tensor(String name, Onnx.TensorProto.DataType type, long... shape) {
        Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName(name).setDataType(type.getNumber());
        for (long d : shape) {
            t.addDims(d);
        }
        return t;
    }

    /** A float32 graph input or output; a null dimension becomes the symbolic {@code batch}. */
    static Onnx.ValueInfoProto value(String name, Long... dims) {
        Onnx.TensorShapeProto.Builder shape = Onnx.TensorShapeProto.newBuilder();
        for (Long d : dims) {
            shape.addDim(d == null ? Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("batch")
                    : Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return Onnx.ValueInfoProto.newBuilder().setName(name)
                .setType(Onnx.TypeProto.newBuilder().setTensorType(Onnx.TypeProto.Tensor.newBuilder()
                        .setElemType(Onnx.TensorProto.DataType.FLOAT.getNumber()).setShape(shape)))
                .build();
    }

    static Onnx.AttributeProto ints(String name, int... values) {
        Onnx.AttributeProto.Builder a = Onnx.AttributeProto.newBuilder().setName(name)
                .setType(Onnx.AttributeProto.AttributeType.INTS);
        for (int v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    static Onnx.AttributeProto integer(String name, long value) {
        return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.INT)
                .setI(value).build();
    }

    static Onnx.AttributeProto real(String name, float value) {
        return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.FLOAT)
                .setF(value).build();
    }
}
