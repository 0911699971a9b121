package io.resnetspark.model.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.resnetspark.model.EvalTransform;
import io.resnetspark.model.Logits;
import io.resnetspark.model.ModelMetadata;
import io.resnetspark.model.ModelStore;
import io.resnetspark.model.Normalization;
import io.resnetspark.model.Optimization;
import io.resnetspark.model.ResNetBuilder;
import io.resnetspark.model.ResNetOptions;
import io.resnetspark.model.Shortcut;
import io.resnetspark.model.Stem;
import io.resnetspark.model.Transfer;
import io.resnetspark.model.weights.Python;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import onnx.Onnx;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * ONNX Runtime runs each exported network and gets the product's own logits (or features); Debian's
 * onnx checker (python3-onnx), with strict shape inference, accepts every file. Between them the cases cover every
 * vertex kind the zoo builds: convolutions with folded BN, ReLU, max pool, add, global average pool,
 * the classifier, dropout, both stems, option A's subsample/zero/slice/concat shortcut, and a
 * fine-tuned network whose frozen backbone keeps its batch norms (exported as BatchNormalization).
 */
class OnnxExportTest {
    @TempDir
    static Path dir;

    private static ComputationGraph net(ResNetOptions o) {
        ComputationGraph g = ResNetBuilder.build(o, Optimization.defaults());
        Nd4j.getRandom().setSeed(5);
        for (Layer l : g.getLayers()) {
            if (l instanceof BatchNormalization) {
                long c = l.getParam(BatchNormalizationParamInitializer.GAMMA).length();
                // variances from 1e-4 to 1: a wrong eps or a misread log10-std moves the logits
                INDArray logStd = Nd4j.rand(DataType.FLOAT, 1, c).muli(2).subi(2);
                l.getParam(BatchNormalizationParamInitializer.GLOBAL_LOG_STD).assign(logStd);
                l.getParam(BatchNormalizationParamInitializer.GAMMA).assign(
                        Transforms.pow(Nd4j.valueArrayOf(new long[] {1, c}, 10f), logStd, true)
                                .muli(Nd4j.rand(DataType.FLOAT, 1, c).addi(0.5)));
                l.getParam(BatchNormalizationParamInitializer.BETA).assign(Nd4j.randn(DataType.FLOAT, 1, c).muli(0.1));
                l.getParam(BatchNormalizationParamInitializer.GLOBAL_MEAN).assign(
                        Nd4j.randn(DataType.FLOAT, 1, c).muli(0.1));
            }
        }
        return g;
    }

    private static ModelMetadata meta(ResNetOptions o) {
        List<String> classes = IntStream.range(0, o.classes()).mapToObj(i -> "c" + i).toList();
        return ModelMetadata.of(o, classes, Normalization.imagenet())
                .withEvalTransform(EvalTransform.torchvision(o.height(), o.width()));
    }

    /** Writes the file as a caller would (a stream), has the onnx checker accept it, and returns its bytes. */
    private static byte[] export(String name, ComputationGraph g, ModelMetadata m) throws IOException {
        Path f = dir.resolve(name + ".onnx");
        try (OutputStream out = Files.newOutputStream(f)) {
            OnnxExport.write(g, m, out);
        }
        assertCheckerAccepts(f);
        return Files.readAllBytes(f);
    }

    private static float[][] run(byte[] model, String output, INDArray x) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(model, new OrtSession.SessionOptions());
             OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.dup('c').data().asFloat()), x.shape());
             OrtSession.Result r = s.run(Map.of(OnnxExport.INPUT, in))) {
            assertEquals(List.of(OnnxExport.INPUT), List.copyOf(s.getInputNames()));
            assertEquals(List.of(output), List.copyOf(s.getOutputNames()));
            long[] declared = ((TensorInfo) s.getInputInfo().get(OnnxExport.INPUT).getInfo()).getShape();
            assertEquals(-1, declared[0], "the batch dimension is symbolic");
            return (float[][]) r.get(output).orElseThrow().getValue();
        }
    }

    private static void check(String name, ResNetOptions o) throws Exception {
        check(name, net(o), meta(o));
    }

    /** Exports, runs at batch 3 and batch 1, and compares with the network's own output. */
    private static void check(String name, ComputationGraph g, ModelMetadata meta) throws Exception {
        ResNetOptions o = meta.options();
        byte[] model = export(name, g, meta);
        for (int batch : new int[] {3, 1}) {
            INDArray x = Nd4j.randn(DataType.FLOAT, batch, o.channels(), o.height(), o.width());
            INDArray expected = o.includeTop() ? Logits.of(g, x)
                    : g.output(List.of(ResNetBuilder.FEATURES), false, new INDArray[] {x}, null)[0];
            INDArray actual = Nd4j.create(run(model, o.includeTop() ? OnnxExport.LOGITS : OnnxExport.FEATURES, x));
            assertArrayEquals(expected.shape(), actual.shape());
            double scale = Math.max(1e-6, expected.amaxNumber().doubleValue());
            double abs = expected.sub(actual).amaxNumber().doubleValue();
            System.out.printf("ONNX %s batch %d: max abs %.3g, relative %.3g (scale %.3g)%n", name, batch, abs,
                    abs / scale, scale);
            assertTrue(abs / scale < 1e-4, name + ": ONNX Runtime differs by " + abs + " at scale " + scale);
            assertTrue(expected.stdNumber().doubleValue() > 1e-4, "outputs are not constant");
        }
    }

    @Test
    void resnet18ImageNetStemProjectionShortcuts() throws Exception {
        check("resnet18", ResNetOptions.builder("resnet18").classes(10).input(3, 64, 64).stem(Stem.IMAGENET)
                .shortcut(Shortcut.B).build());
    }

    @Test
    void resnet50BottlenecksWithDropoutBeforeTheHead() throws Exception {
        check("resnet50-dropout", ResNetOptions.builder("resnet50").classes(7).input(3, 64, 64).stem(Stem.IMAGENET)
                .dropout(0.3).build());
    }

    @Test
    void resnet20SmallStemZeroPadShortcuts() throws Exception {
        check("resnet20-optionA", ResNetOptions.builder("resnet20").classes(10).input(3, 32, 32)
                .shortcut(Shortcut.A).build());
    }

    @Test
    void resnet34SmallStemAlwaysProjectingBackboneWithoutHead() throws Exception {
        check("resnet34-features", ResNetOptions.builder("resnet34").classes(5).input(3, 32, 32).stem(Stem.SMALL)
                .shortcut(Shortcut.C).includeTop(false).build());
    }

    @Test
    void fineTunedNetworkWithFrozenBackbone() throws Exception {
        ResNetOptions o = ResNetOptions.builder("resnet18").classes(1000).input(3, 64, 64).stem(Stem.IMAGENET).build();
        ModelStore.Loaded tuned = Transfer.newHead(new ModelStore.Loaded(net(o), meta(o)), List.of("a", "b", "c"), true,
                new Adam(1e-3));
        check("resnet18-frozen", tuned.graph(), tuned.metadata());
    }

    @Test
    void theFileDescribesItself() throws Exception {
        ResNetOptions o = ResNetOptions.builder("resnet18").classes(3).input(3, 224, 224).build();
        Onnx.ModelProto m = OnnxExport.toModel(ResNetBuilder.build(o, Optimization.defaults()), meta(o));
        assertEquals(7, m.getIrVersion());
        assertEquals(13, m.getOpsetImport(0).getVersion());
        Onnx.ValueInfoProto in = m.getGraph().getInput(0);
        assertEquals("batch", in.getType().getTensorType().getShape().getDim(0).getDimParam());
        assertEquals(List.of(3L, 224L, 224L), in.getType().getTensorType().getShape().getDimList().stream().skip(1)
                .map(Onnx.TensorShapeProto.Dimension::getDimValue).toList());
        Map<String, String> props = m.getMetadataPropsList().stream()
                .collect(Collectors.toMap(Onnx.StringStringEntryProto::getKey, Onnx.StringStringEntryProto::getValue));
        assertEquals("[ \"c0\", \"c1\", \"c2\" ]", props.get("classes"));
        assertTrue(props.get("eval_transform").contains("\"resizeShorterSide\" : 256"), props.toString());
        assertTrue(props.get("normalization").contains("0.485"), props.toString());
        List<String> ops = m.getGraph().getNodeList().stream().map(Onnx.NodeProto::getOpType).distinct().sorted().toList();
        assertEquals(List.of("Add", "Conv", "Flatten", "Gemm", "GlobalAveragePool", "MaxPool", "Relu"), ops,
                "batch norm is folded away; softmax is left to the consumer");
    }

    @Test
    void aVertexTheExporterDoesNotCoverIsNamed() {
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().graphBuilder()
                .addInputs("input").setInputTypes(InputType.convolutional(8, 8, 3))
                .addLayer("same", new ConvolutionLayer.Builder(3, 3).nOut(4).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.IDENTITY).build(), "input")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "same")
                .addLayer("fc", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2)
                        .activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("fc").build());
        g.init();
        ResNetOptions o = ResNetOptions.builder("resnet18").classes(2).input(3, 32, 32).build();
        OnnxExportException e = assertThrows(OnnxExportException.class, () -> OnnxExport.toModel(g, meta(o)));
        assertEquals("cannot export vertex 'same' to ONNX: it is convolution mode Same (only explicit padding maps onto"
                + " ONNX exactly), which the exporter does not cover", e.getMessage());
    }

    private static void assertCheckerAccepts(Path file) {
        Python.require("the ONNX checker", "onnx");
        String out = Python.script("oracle/onnx_check.py", dir, 300, file.toString());
        System.out.print(out);
        assertTrue(out.startsWith("OK "), out);
    }
}
