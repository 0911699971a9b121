package io.resnetspark.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.resnetspark.model.Logits;
import io.resnetspark.model.ModelMetadata;
import io.resnetspark.model.ModelStore;
import io.resnetspark.model.Normalization;
import io.resnetspark.model.Optimization;
import io.resnetspark.model.ResNetBuilder;
import io.resnetspark.model.ResNetOptions;
import io.resnetspark.model.Stem;
import io.resnetspark.storage.Storage;
import io.resnetspark.testing.Cli;
import java.io.File;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code export} writes model.onnx beside model.zip: listed in SHA256SUMS, and ONNX Runtime gives the
 * product's own logits for it; {@code export.onnx = false} leaves it out.
 */
class OnnxExportCommandTest {
    @TempDir
    Path dir;

    private File model() throws Exception {
        ResNetOptions o = ResNetOptions.builder("resnet18").classes(5).input(3, 64, 64).stem(Stem.IMAGENET).build();
        // a few training steps' worth of non-trivial batch-norm statistics, so folding has something to fold
        var g = ResNetBuilder.build(o, Optimization.defaults());
        for (int i = 0; i < 3; i++) {
            g.fit(new org.nd4j.linalg.dataset.DataSet(Nd4j.rand(4, 3, 64, 64).muli(3).subi(1),
                    Nd4j.eye(5).getRows(0, 1, 2, 3)));
        }
        File zip = dir.resolve("model.zip").toFile();
        ModelStore.save(g, ModelMetadata.of(o, List.of("a", "b", "c", "d", "e"), Normalization.imagenet()), false,
                zip);
        return zip;
    }

    private static List<String> listed(Path version) throws Exception {
        List<String> names = new ArrayList<>();
        for (String line : Files.readString(version.resolve("SHA256SUMS")).split("\n")) {
            String[] parts = line.split("  ", 2);
            assertEquals(Storage.sha256(Files.readAllBytes(version.resolve(parts[1]))), parts[0], parts[1]);
            names.add(parts[1]);
        }
        return names;
    }

    @Test
    void onnxRuntimeGivesTheProductsLogits() throws Exception {
        File zip = model();
        Path version = dir.resolve("models/m/1");
        String[] r = Cli.strings("export", "--model", zip.toString(), "--to", version.toString());
        assertEquals("0", r[0], r[2]);
        assertEquals(List.of("model.zip", "model.onnx", "classes.json", "model-card.json"), listed(version));

        ModelStore.Loaded m = ModelStore.load(zip, "model.zip", false);
        INDArray x = Nd4j.rand(new org.nd4j.linalg.api.rng.DefaultRandom(7), 3, 3, 64, 64).muli(4).subi(2);
        INDArray expected = Logits.of(m.graph(), x);
        float[][] actual;
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(Files.readAllBytes(version.resolve("model.onnx")),
                new OrtSession.SessionOptions());
             OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.dup('c').data().asFloat()), x.shape());
             OrtSession.Result out = s.run(Map.of("input", in))) {
            assertEquals("logits", s.getOutputNames().iterator().next());
            actual = (float[][]) out.get("logits").orElseThrow().getValue();
        }
        double scale = expected.amaxNumber().doubleValue();
        double diff = expected.sub(Nd4j.createFromArray(actual)).amaxNumber().doubleValue();
        System.out.printf("ONNX export: max abs logit difference %.3g, relative %.3g (scale %.3g)%n", diff,
                diff / scale, scale);
        assertTrue(diff / scale < 1e-4, "ONNX Runtime's logits differ by " + diff + " (scale " + scale + ")");
    }

    @Test
    void onnxCanBeTurnedOff() throws Exception {
        File zip = model();
        Path version = dir.resolve("models/m/2");
        String[] r = Cli.strings("export", "--model", zip.toString(), "--to", version.toString(), "--set",
                "export.onnx=false");
        assertEquals("0", r[0], r[2]);
        assertEquals(List.of("model.zip", "classes.json", "model-card.json"), listed(version));
        assertFalse(Files.exists(version.resolve("model.onnx")));
    }
}
