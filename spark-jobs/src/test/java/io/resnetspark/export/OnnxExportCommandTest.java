package io.resnetspark.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.resnetspark.model.ModelMetadata;
import io.resnetspark.model.ModelStore;
import io.resnetspark.model.Normalization;
import io.resnetspark.model.Optimization;
import io.resnetspark.model.ResNetBuilder;
import io.resnetspark.model.ResNetOptions;
import io.resnetspark.model.Stem;
import io.resnetspark.model.onnx.OnnxExport;
import io.resnetspark.storage.Storage;
import io.resnetspark.testing.Cli;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import onnx.Onnx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code export} writes model.onnx beside model.zip, listed in SHA256SUMS; {@code export.onnx = false}
 * leaves it out.
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

    /**
     * ONNX Runtime's parity with the network is model/'s OnnxExportTest (its classpath loads ONNX Runtime's
     * natives; in this module's, beside Spark's jars, the runtime crashes the JVM): here, the file export
     * writes is exactly that exporter's model of the zip, with the advertised interface.
     */
    @Test
    void modelOnnxIsTheExportersModelOfTheZip() throws Exception {
        File zip = model();
        Path version = dir.resolve("models/m/1");
        String[] r = Cli.strings("export", "--model", zip.toString(), "--to", version.toString());
        assertEquals("0", r[0], r[2]);
        assertEquals(List.of("model.zip", "model.onnx", "classes.json", "model-card.json"), listed(version));

        byte[] written = Files.readAllBytes(version.resolve("model.onnx"));
        Onnx.ModelProto proto = Onnx.ModelProto.parseFrom(written);
        assertEquals(13, proto.getOpsetImport(0).getVersion());
        assertEquals("input", proto.getGraph().getInput(0).getName());
        assertEquals("logits", proto.getGraph().getOutput(0).getName());
        // batch norm folded: no BatchNormalization node is left
        assertTrue(proto.getGraph().getNodeList().stream().noneMatch(n -> n.getOpType().equals("BatchNormalization")));
        ModelStore.Loaded m = ModelStore.load(zip, "model.zip", false);
        assertArrayEquals(OnnxExport.toModel(m.graph(), m.metadata()).toByteArray(), written);
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
