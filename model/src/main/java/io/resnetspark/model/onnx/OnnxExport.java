package io.resnetspark.model.onnx;

import static io.resnetspark.model.onnx.OnnxGraphBuilder.ints;
import static io.resnetspark.model.onnx.OnnxGraphBuilder.integer;
import static io.resnetspark.model.onnx.OnnxGraphBuilder.real;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.resnetspark.model.BatchNormFolding;
import io.resnetspark.model.ModelMetadata;
import io.resnetspark.model.ModelStore;
import java.io.IOException;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import onnx.Onnx;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.FrozenVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.ScaleVertex;
import org.deeplearning4j.nn.conf.graph.SubsetVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Writes a zoo network as an ONNX model for inference outside the JVM: batch norm folded into the
 * convolutions first, one ONNX node per remaining DL4J vertex, input {@value #INPUT} (float32 NCHW,
 * already normalized with the model's {@link io.resnetspark.model.Normalization}, any batch size) and
 * output {@value #LOGITS} (the classifier before softmax; {@value #FEATURES} for a network without a
 * head). Class names, normalization and the eval transform go into the model's metadata_props, so the
 * file alone says how to feed it.
 *
 * <p>Opset {@value #OPSET} with IR version 7, the newest pair Debian's onnx 1.12 checker and every
 * current runtime accept.
 */
public final class OnnxExport {
    public static final String INPUT = "input";
    public static final String LOGITS = "logits";
    public static final String FEATURES = "features";
    public static final int OPSET = 13;
    private static final long IR_VERSION = 7;

    private OnnxExport() {
    }

    /** Serialises {@link #toModel} to {@code out} (any file system's stream); the stream stays open. */
    public static void write(ComputationGraph graph, ModelMetadata metadata, OutputStream out) throws IOException {
        toModel(graph, metadata).writeTo(out);
        out.flush();
    }

    /**
     * The ONNX model of {@code graph}; the graph itself is not changed (folding works on a copy).
     *
     * @throws OnnxExportException naming the vertex when the graph holds something ONNX export does not cover
     */
    public static Onnx.ModelProto toModel(ComputationGraph graph, ModelMetadata metadata) {
        ComputationGraph folded = BatchNormFolding.fold(graph);
        ComputationGraphConfiguration conf = folded.getConfiguration();
        if (conf.getNetworkInputs().size() != 1 || conf.getNetworkOutputs().size() != 1) {
            throw new OnnxExportException("ONNX export needs a network with one input and one output, not "
                    + conf.getNetworkInputs() + " -> " + conf.getNetworkOutputs());
        }
        String networkOutput = conf.getNetworkOutputs().get(0);
        Layer outLayer = folded.getVertex(networkOutput).hasLayer() ? folded.getLayer(networkOutput) : null;
        boolean hasHead = outLayer != null && outLayer.conf().getLayer() instanceof BaseOutputLayer;
        String outputName = hasHead ? LOGITS : FEATURES;

        Walk walk = new Walk(folded, metadata.options().model(), conf.getNetworkInputs().get(0), networkOutput,
                outputName);
        for (int i : folded.topologicalSortOrder()) {
            String name = folded.getVertices()[i].getVertexName();
            if (!folded.getVertices()[i].isInputVertex()) {
                walk.vertex(name, conf.getVertices().get(name), conf.getVertexInputs().get(name));
            }
        }

        OnnxGraphBuilder g = walk.g;
        g.proto().addInput(OnnxGraphBuilder.value(INPUT, null, (long) metadata.options().channels(),
                (long) metadata.options().height(), (long) metadata.options().width()));
        long width = hasHead ? outLayer.getParam("b").length() : metadata.options().architecture().featureWidth();
        g.proto().addOutput(OnnxGraphBuilder.value(outputName, null, width));
        g.proto().setDocString(metadata.options().model() + ": " + INPUT + " is float32 NCHW, normalized per channel;"
                + " " + outputName + (hasHead ? " are the class scores before softmax" : " are the pooled features"));

        Onnx.ModelProto.Builder model = Onnx.ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName("resnet-spark")
                .setModelVersion(1)
                .setGraph(g.proto());
        model.addOpsetImportBuilder().setDomain("").setVersion(OPSET);
        properties(metadata).forEach((k, v) -> model.addMetadataPropsBuilder().setKey(k).setValue(v));
        return model.build();
    }

    private static Map<String, String> properties(ModelMetadata meta) {
        Map<String, String> p = new LinkedHashMap<>();
        try {
            p.put("model", meta.options().model());
            p.put("classes", ModelStore.JSON.writeValueAsString(meta.classes()));
            p.put("normalization", ModelStore.JSON.writeValueAsString(meta.normalization()));
            if (meta.evalTransform() != null) {
                p.put("eval_transform", ModelStore.JSON.writeValueAsString(meta.evalTransform()));
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("metadata that Jackson wrote before cannot be written now", e);
        }
        return p;
    }

    /** One pass over the vertices in topological order; {@code tensor} maps a DL4J vertex to its ONNX value. */
    private static final class Walk {
        final OnnxGraphBuilder g;
        final ComputationGraph net;
        final String networkOutput;
        final String outputName;
        final Map<String, String> tensor = new HashMap<>();

        Walk(ComputationGraph net, String graphName, String networkInput, String networkOutput, String outputName) {
            this.net = net;
            this.g = new OnnxGraphBuilder(graphName);
            this.networkOutput = networkOutput;
            this.outputName = outputName;
            tensor.put(networkInput, INPUT);
        }

        void vertex(String name, GraphVertex vertex, List<String> inputs) {
            GraphVertex v = vertex instanceof FrozenVertex f ? f.getUnderlying() : vertex;
            String[] in = inputs.stream().map(tensor::get).toArray(String[]::new);
            String out = name.equals(networkOutput) ? outputName : name;
            String result;
            if (v instanceof LayerVertex lv) {
                if (lv.getPreProcessor() != null) {
                    throw unsupported(name, "an input preprocessor (" + lv.getPreProcessor().getClass().getSimpleName()
                            + ")");
                }
                result = layer(name, unfrozen(lv.getLayerConf().getLayer()), in[0], out);
            } else if (v instanceof ElementWiseVertex e) {
                result = g.node(elementWise(name, e.getOp(), in.length), name, out, in);
            } else if (v instanceof ScaleVertex s) {
                result = g.node("Mul", name, out, new String[] {in[0],
                        g.floats(name + ".scale", Nd4j.scalar((float) s.getScaleFactor()))});
            } else if (v instanceof SubsetVertex s) {
                // DL4J's range is inclusive; ONNX's end is exclusive. Axis 1 is channels (NCHW) or features.
                result = g.node("Slice", name, out, new String[] {in[0], g.longs(name + ".starts", s.getFrom()),
                        g.longs(name + ".ends", s.getTo() + 1L), g.longs(name + ".axes", 1)});
            } else if (v instanceof MergeVertex m) {
                result = g.node("Concat", name, out, in, integer("axis", m.getMergeAxis()));
            } else {
                throw unsupported(name, "a " + v.getClass().getSimpleName());
            }
            tensor.put(name, result);
        }

        /** Freezing (transfer learning) wraps vertices and layer configurations; inference is the wrapped one's. */
        private static org.deeplearning4j.nn.conf.layers.Layer unfrozen(org.deeplearning4j.nn.conf.layers.Layer conf) {
            if (conf instanceof FrozenLayer f) {
                return unfrozen(f.getLayer());
            }
            if (conf instanceof FrozenLayerWithBackprop f) {
                return unfrozen(f.getUnderlying());
            }
            return conf;
        }

        private String layer(String name, org.deeplearning4j.nn.conf.layers.Layer conf, String in, String out) {
            if (conf instanceof DropoutLayer) {
                return alias(name, in, out);
            }
            if (conf.getClass() == ConvolutionLayer.class) {
                return conv(name, (ConvolutionLayer) conf, in, out);
            }
            if (conf instanceof BatchNormalization bn) {
                return batchNorm(name, bn, in, out);
            }
            if (conf instanceof ActivationLayer a) {
                return activation(name, a.getActivationFn(), in, out);
            }
            if (conf.getClass() == SubsamplingLayer.class) {
                return pool(name, (SubsamplingLayer) conf, in, out);
            }
            if (conf instanceof GlobalPoolingLayer gp) {
                String op = switch (gp.getPoolingType()) {
                    case AVG -> "GlobalAveragePool";
                    case MAX -> "GlobalMaxPool";
                    default -> throw unsupported(name, gp.getPoolingType() + " global pooling");
                };
                if (!gp.isCollapseDimensions()) {
                    return g.node(op, name, out, new String[] {in});
                }
                String pooled = g.node(op, name, name + ".pooled", new String[] {in});
                return g.node("Flatten", name + ".flatten", out, new String[] {pooled}, integer("axis", 1));
            }
            if (conf instanceof DenseLayer || conf instanceof BaseOutputLayer) {
                Layer l = net.getLayer(name);
                INDArray w = l.getParam("W");
                String gemm = g.node("Gemm", name, conf instanceof BaseOutputLayer ? out : name + ".linear",
                        new String[] {in, g.floats(name + ".weight", w, w.size(0), w.size(1)),
                                g.floats(name + ".bias", l.getParam("b"), w.size(1))});
                // the output layer's softmax (or other activation) is left to the consumer: the output is logits
                return conf instanceof BaseOutputLayer ? gemm
                        : activation(name + ".act", ((BaseLayer) conf).getActivationFn(), gemm, out);
            }
            throw unsupported(name, "a " + conf.getClass().getSimpleName() + " layer");
        }

        private String conv(String name, ConvolutionLayer c, String in, String out) {
            checkGeometry(name, c.getConvolutionMode(), c.getCnn2dDataFormat());
            Layer l = net.getLayer(name);
            INDArray w = l.getParam("W");
            String weight = g.floats(name + ".weight", w, w.shape());
            String[] inputs = c.hasBias() ? new String[] {in, weight, g.floats(name + ".bias", l.getParam("b"),
                    w.size(0))} : new String[] {in, weight};
            boolean act = !(c.getActivationFn() instanceof ActivationIdentity);
            String conv = g.node("Conv", name, act ? name + ".conv" : out, inputs,
                    ints("kernel_shape", c.getKernelSize()), ints("strides", c.getStride()),
                    ints("pads", pads(c.getPadding())), ints("dilations", c.getDilation()));
            return act ? activation(name + ".act", c.getActivationFn(), conv, out) : conv;
        }

        /** Only for a BN that did not follow a convolution (the zoo has none; folding took the rest). */
        private String batchNorm(String name, BatchNormalization bn, String in, String out) {
            if (bn.isLockGammaBeta()) {
                throw unsupported(name, "a batch norm with locked gamma and beta");
            }
            Layer l = net.getLayer(name);
            long c = l.getParam(BatchNormalizationParamInitializer.GAMMA).length();
            INDArray var;
            if (bn.isUseLogStd()) {
                INDArray s = Transforms.pow(Nd4j.valueArrayOf(new long[] {c}, 10.0, DataType.DOUBLE),
                        l.getParam(BatchNormalizationParamInitializer.GLOBAL_LOG_STD).castTo(DataType.DOUBLE)
                                .reshape(c), false);
                var = s.mul(s);
            } else {
                var = l.getParam(BatchNormalizationParamInitializer.GLOBAL_VAR);
            }
            return g.node("BatchNormalization", name, out, new String[] {in,
                    g.floats(name + ".weight", l.getParam(BatchNormalizationParamInitializer.GAMMA), c),
                    g.floats(name + ".bias", l.getParam(BatchNormalizationParamInitializer.BETA), c),
                    g.floats(name + ".running_mean", l.getParam(BatchNormalizationParamInitializer.GLOBAL_MEAN), c),
                    g.floats(name + ".running_var", var, c)}, real("epsilon", (float) bn.getEps()));
        }

        private String pool(String name, SubsamplingLayer p, String in, String out) {
            checkGeometry(name, p.getConvolutionMode(), p.getCnn2dDataFormat());
            if (p.getDilation()[0] != 1 || p.getDilation()[1] != 1) {
                throw unsupported(name, "a dilated pooling layer");
            }
            if (p.getPoolingType() == PoolingType.MAX) {
                return g.node("MaxPool", name, out, new String[] {in}, ints("kernel_shape", p.getKernelSize()),
                        ints("strides", p.getStride()), ints("pads", pads(p.getPadding())));
            }
            if (p.getPoolingType() == PoolingType.AVG) {
                return g.node("AveragePool", name, out, new String[] {in}, ints("kernel_shape", p.getKernelSize()),
                        ints("strides", p.getStride()), ints("pads", pads(p.getPadding())),
                        integer("count_include_pad", p.isAvgPoolIncludePadInDivisor() ? 1 : 0));
            }
            throw unsupported(name, p.getPoolingType() + " pooling");
        }

        private String activation(String name, IActivation fn, String in, String out) {
            if (fn instanceof ActivationIdentity) {
                return alias(name, in, out);
            }
            if (fn instanceof ActivationReLU) {
                return g.node("Relu", name, out, new String[] {in});
            }
            throw unsupported(name, "the activation " + fn);
        }

        /** A vertex that computes nothing at inference keeps its input's value, unless it must carry the output name. */
        private String alias(String name, String in, String out) {
            return out.equals(outputName) ? g.node("Identity", name, out, new String[] {in}) : in;
        }

        private static String elementWise(String name, ElementWiseVertex.Op op, int inputs) {
            return switch (op) {
                case Add -> inputs == 2 ? "Add" : "Sum";
                case Subtract -> "Sub";
                case Product -> inputs == 2 ? "Mul" : unsupportedOp(name, op);
                case Max -> "Max";
                case Average -> "Mean";
                default -> unsupportedOp(name, op);
            };
        }

        private static String unsupportedOp(String name, ElementWiseVertex.Op op) {
            throw unsupported(name, "an element-wise " + op + " of this many inputs");
        }

        /** DL4J's symmetric [padH, padW] as ONNX's [top, left, bottom, right]. */
        private static int[] pads(int[] p) {
            return new int[] {p[0], p[1], p[0], p[1]};
        }

        private static void checkGeometry(String name, ConvolutionMode mode, CNN2DFormat format) {
            if (mode != ConvolutionMode.Truncate && mode != ConvolutionMode.Strict) {
                throw unsupported(name, "convolution mode " + mode + " (only explicit padding maps onto ONNX exactly)");
            }
            if (format != CNN2DFormat.NCHW) {
                throw unsupported(name, "the " + format + " layout");
            }
        }

        private static OnnxExportException unsupported(String vertex, String what) {
            return new OnnxExportException("cannot export vertex '" + vertex + "' to ONNX: it is " + what
                    + ", which the exporter does not cover");
        }
    }
}
