package io.resnetspark.model.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.resnetspark.model.EvalTransform;
import io.resnetspark.model.Logits;
import io.resnetspark.model.ModelMetadata;
import io.resnetspark.model.ModelStore;
import io.resnetspark.model.Normalization;
import io.resnetspark.model.Stem;
import io.resnetspark.model.onnx.OnnxExport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The ways ResNet-18 weights arrive (a training checkpoint with the state dict nested beside other
 * Python objects, timm's hub files without BN counters, nn.DataParallel's "module." keys, bfloat16 and
 * float16 tensors) and what the import records: class names, the new
 * head, ImageNet normalization and torchvision's eval transform, all surviving save and load; and
 * the whole chain torch -> import -> ONNX export -> ONNX Runtime.
 */
class WeightFormatsTest {
    private static final int CLASSES = 10;
    private static final List<String> NAMES = IntStream.range(0, CLASSES).mapToObj(i -> "class-" + i).toList();

    @TempDir
    static Path dir;
    static TorchOracle oracle;

    @BeforeAll
    static void oracle() {
        oracle = TorchOracle.generate("resnet18", dir, CLASSES, 64, 2, "pth,safetensors,nested,bf16,f16");
    }

    @Test
    void trainingCheckpointWithTheStateDictNestedBesideOtherObjects() throws IOException {
        WeightImport.Result r = TorchvisionParityTest.read(oracle.file("nested.pth"), WeightImport.Request.of("ResNet-18"));
        Parity.of(oracle.logits("logits.bin"), Logits.of(r.model().graph(), oracle.input()))
                .assertWithin("resnet18 from a nested training checkpoint");
    }

    @Test
    void timmStyleFileWithDataParallelPrefixAndNoBatchCounters() throws IOException {
        Map<String, WeightTensor> timm = new LinkedHashMap<>();
        StateDict.read(oracle.file("weights.safetensors"), "x").tensors().forEach((k, v) -> {
            if (!k.endsWith("num_batches_tracked")) {
                timm.put("module." + k, v);
            }
        });
        Path f = Files.write(dir.resolve("timm.safetensors"), SafetensorsWriter.bytes(timm));
        WeightImport.Result r = TorchvisionParityTest.read(f, WeightImport.Request.of("resnet18"));
        assertEquals(List.of(), r.ignoredKeys());
        Parity.of(oracle.logits("logits.bin"), Logits.of(r.model().graph(), oracle.input()))
                .assertWithin("resnet18 from a timm-style file with module. keys");
    }

    @Test
    void halfPrecisionTensorsAreWidenedExactly() throws IOException {
        WeightImport.Result bf16 = TorchvisionParityTest.read(oracle.file("bf16.pth"), WeightImport.Request.of("resnet18"));
        Parity.of(oracle.logits("logits-bf16.bin"), Logits.of(bf16.model().graph(), oracle.input()))
                .assertWithin("resnet18 from bfloat16 .pth");
        WeightImport.Result f16 = TorchvisionParityTest.read(oracle.file("f16.safetensors"),
                WeightImport.Request.of("resnet18"));
        Parity.of(oracle.logits("logits-f16.bin"), Logits.of(f16.model().graph(), oracle.input()))
                .assertWithin("resnet18 from float16 .safetensors");
    }

    @Test
    void metadataRecordsClassesNormalizationAndTheEvalTransformAndSurvivesSaveAndLoad() throws IOException {
        WeightImport.Result r = TorchvisionParityTest.read(oracle.file("weights.pth"),
                WeightImport.Request.of("resnet18").withClassNames(NAMES));
        assertTrue(r.headKept(), "a 10-class file for 10 names keeps its head");
        assertEquals(List.of(), r.ignoredKeys().stream().filter(k -> !k.endsWith("num_batches_tracked")).toList());
        assertEquals(20, r.ignoredKeys().size(), "ResNet-18 has 20 batch norms, each with a counter");

        ModelStore.Loaded back = TorchvisionParityTest.roundTrip(r.model(), dir);
        ModelMetadata m = back.metadata();
        assertEquals(NAMES, m.classes());
        assertArrayEquals(Normalization.IMAGENET_MEAN, m.normalization().mean());
        assertArrayEquals(Normalization.IMAGENET_STD, m.normalization().std());
        assertEquals(new EvalTransform(256, 224, 224, "bilinear", "RGB", 1.0 / 255.0), m.evalTransform());
        assertEquals("resnet18", m.options().model());
        assertEquals(Stem.IMAGENET, m.options().stem());
        assertEquals(1e-5, m.options().bnEpsilon());
        assertEquals("3x224x224", m.options().inputShape());
        @SuppressWarnings("unchecked")
        Map<String, Object> imported = (Map<String, Object>) m.training().get("imported");
        assertEquals("weights.pth", imported.get("source"));
        assertEquals(StateDict.TORCH, imported.get("format"));
        assertEquals("kept", imported.get("head"));
        assertEquals(102, ((Number) imported.get("tensors")).intValue());
        Parity.of(oracle.logits("logits.bin"), Logits.of(back.graph(), oracle.input()))
                .assertWithin("resnet18 after ModelStore save and load");
    }

    @Test
    void importedWeightsExportToOnnxThatRuntimeRunsWithTorchvisionsLogits() throws Exception {
        WeightImport.Result r = TorchvisionParityTest.read(oracle.file("weights.safetensors"),
                WeightImport.Request.of("resnet18").withInput(64, 64));
        ByteArrayOutputStream onnx = new ByteArrayOutputStream();
        OnnxExport.write(r.model().graph(), r.model().metadata(), onnx);
        INDArray x = oracle.input();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(onnx.toByteArray(), new OrtSession.SessionOptions());
             OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.data().asFloat()), x.shape());
             OrtSession.Result out = s.run(Map.of(OnnxExport.INPUT, in))) {
            INDArray logits = Nd4j.create((float[][]) out.get(OnnxExport.LOGITS).orElseThrow().getValue());
            Parity.of(oracle.logits("logits.bin"), logits).assertWithin("resnet18 torch -> DL4J -> ONNX Runtime");
        }
    }

    @Test
    void aHeadThatDoesNotFitIsReplacedOnlyWhenAsked() throws IOException {
        List<String> three = List.of("cat", "dog", "fish");
        WeightImport.Result r = TorchvisionParityTest.read(oracle.file("weights.pth"),
                WeightImport.Request.of("resnet18").withClassNames(three).withNewHead(true));
        assertFalse(r.headKept());
        assertTrue(r.ignoredKeys().containsAll(List.of("fc.weight", "fc.bias")), r.ignoredKeys().toString());
        assertEquals(three, r.model().metadata().classes());
        assertEquals("new", ((Map<?, ?>) r.model().metadata().training().get("imported")).get("head"));
        INDArray w = r.model().graph().getLayer("fc").getParam("W");
        assertArrayEquals(new long[] {512, 3}, w.shape());
        assertTrue(w.stdNumber().doubleValue() > 0, "the new head is initialised, not zero");

        // the backbone is the file's: same features as the import that kept the head
        WeightImport.Result kept = TorchvisionParityTest.read(oracle.file("weights.pth"), WeightImport.Request.of("resnet18"));
        INDArray a = kept.model().graph().feedForward(oracle.input(), false).get("avgpool");
        INDArray b = r.model().graph().feedForward(oracle.input(), false).get("avgpool");
        assertEquals(0.0, a.sub(b).amaxNumber().doubleValue(), 1e-6);
        assertNotEquals(0.0, a.amaxNumber().doubleValue());
    }
}
