package io.resnetspark.model.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.resnetspark.model.ModelMetadata;
import io.resnetspark.model.ModelOptionException;
import io.resnetspark.model.ModelStore;
import io.resnetspark.model.Normalization;
import io.resnetspark.model.Optimization;
import io.resnetspark.model.ResNetBuilder;
import io.resnetspark.model.ResNetOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every refusal is one sentence that names the file and, where tensors are at fault, their keys. */
class BadWeightFilesTest {
    @TempDir
    static Path dir;
    static TorchOracle oracle;

    @BeforeAll
    static void oracle() {
        oracle = TorchOracle.generate("resnet18", dir, 10, 64, 1, "pth,safetensors,whole");
    }

    private static String refusal(Path file, WeightImport.Request request) {
        WeightFileException e = assertThrows(WeightFileException.class,
                () -> TorchvisionParityTest.read(file, request));
        String m = e.getMessage();
        System.out.println("REFUSED " + file.getFileName() + ": " + m);
        assertFalse(m.contains("\n") || m.contains(". "), "one sentence: " + m);
        return m;
    }

    private static Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private static Path cut(String from, String to, double fraction) throws IOException {
        byte[] all = Files.readAllBytes(oracle.file(from));
        return write(to, Arrays.copyOf(all, (int) (all.length * fraction)));
    }

    @Test
    void truncatedCheckpoint() throws IOException {
        String m = refusal(cut("weights.pth", "cut.pth", 0.6), WeightImport.Request.of("resnet18"));
        assertTrue(m.startsWith("weights file cut.pth looks like a PyTorch checkpoint but its zip archive is truncated"
                + " or damaged ("), m);
    }

    @Test
    void truncatedSafetensors() throws IOException {
        long size = Files.size(oracle.file("weights.safetensors"));
        Path f = cut("weights.safetensors", "cut.safetensors", 0.6);
        String m = refusal(f, WeightImport.Request.of("resnet18"));
        assertEquals("safetensors file cut.safetensors is truncated: its header describes " + size
                + " bytes and the file has " + Files.size(f), m);
    }

    @Test
    void resnet18WeightsAskedForAsResNet50() {
        String m = refusal(oracle.file("weights.pth"), WeightImport.Request.of("resnet50"));
        assertTrue(m.startsWith("weights file weights.pth does not fit resnet50: 165 tensors are missing"
                + " (layer1.0.conv3.weight, layer1.0.bn3.weight, layer1.0.bn3.bias and 162 more); 24 tensors"), m);
        assertTrue(m.contains("have the wrong shape (layer1.0.conv1.weight is [64, 64, 3, 3] where resnet50 needs"
                + " [64, 64, 1, 1]"), m);
        assertTrue(m.endsWith("; the file looks like resnet18 weights"), m);
    }

    @Test
    void resnet18WeightsAskedForAsResNet34NameTheMissingBlocks() {
        String m = refusal(oracle.file("weights.safetensors"), WeightImport.Request.of("resnet34"));
        assertTrue(m.startsWith("weights file weights.safetensors does not fit resnet34: 80 tensors are missing"
                + " (layer1.2.conv1.weight, layer1.2.bn1.weight, layer1.2.bn1.bias and 77 more)"), m);
        assertFalse(m.contains("unexpected"), m);
        assertTrue(m.endsWith("; the file looks like resnet18 weights"), m);
    }

    @Test
    void oneMissingAndOneMisshapedTensorAreNamed() throws IOException {
        Map<String, WeightTensor> t = new LinkedHashMap<>(StateDict.read(oracle.file("weights.safetensors"),
                "x").tensors());
        t.remove("bn1.running_var");
        t.put("layer2.0.conv1.weight", new WeightTensor("F32", new long[] {128, 64, 1, 1}, new float[128 * 64]));
        t.put("extra.weight", new WeightTensor("F32", new long[] {1}, new float[1]));
        String m = refusal(write("edited.safetensors", SafetensorsWriter.bytes(t)),
                WeightImport.Request.of("resnet18"));
        assertEquals("weights file edited.safetensors does not fit resnet18: 1 tensor is missing (bn1.running_var);"
                + " 1 tensor is unexpected (extra.weight); 1 tensor has the wrong shape (layer2.0.conv1.weight is"
                + " [128, 64, 1, 1] where resnet18 needs [128, 64, 3, 3])", m);
    }

    @Test
    void headForOtherClassesNeedsTheCallersDecision() {
        String m = refusal(oracle.file("weights.pth"), WeightImport.Request.of("resnet18")
                .withClassNames(List.of("a", "b", "c")));
        assertEquals("weights file weights.pth has a 10-class head (fc.weight [10, 512]) but 3 class names were given;"
                + " ask for a new head to train one, or give 10 class names", m);
    }

    @Test
    void wholePickledModel() {
        String m = refusal(oracle.file("whole.pth"), WeightImport.Request.of("resnet18"));
        assertEquals("weights file whole.pth holds a torchvision.models.resnet.ResNet object, a whole pickled model"
                + " rather than a state dict; save model.state_dict() with torch.save instead", m);
    }

    @Test
    void filesThatAreNoCheckpointAtAll() throws IOException {
        assertEquals("weights file notes.txt is not a PyTorch checkpoint (a zip archive with data.pkl) or a safetensors"
                + " file; it starts with \"resnet18\"", refusal(write("notes.txt",
                "resnet18 weights, see the wiki\n".getBytes(StandardCharsets.UTF_8)), WeightImport.Request.of("resnet18")));
        assertEquals("weights file empty.pth is empty", refusal(write("empty.pth", new byte[0]),
                WeightImport.Request.of("resnet18")));

        ResNetOptions o = ResNetOptions.builder("resnet20").classes(2).input(3, 32, 32).build();
        Path dl4j = dir.resolve("model.zip");
        ModelStore.save(ResNetBuilder.build(o, Optimization.defaults()),
                ModelMetadata.of(o, List.of("a", "b"), Normalization.imagenet()), false, dl4j.toFile());
        String m = refusal(dl4j, WeightImport.Request.of("resnet18"));
        assertTrue(m.startsWith("weights file model.zip is a zip archive but not a PyTorch checkpoint (no data.pkl among"
                + " its "), m);
        assertTrue(m.endsWith(" entries; it looks like a DL4J model)"), m);
    }

    @Test
    void onlyNetworksWithATorchvisionCounterpartImport() {
        ModelOptionException e = assertThrows(ModelOptionException.class,
                () -> TorchvisionParityTest.read(oracle.file("weights.pth"), WeightImport.Request.of("resnet56")));
        assertEquals("model option 'model': weights import knows the networks with a torchvision or timm counterpart"
                + " (resnet18, resnet34, resnet50, resnet101, resnet152, resnext50_32x4d, resnext101_32x8d,"
                + " resnext101_64x4d, wide_resnet50_2, wide_resnet101_2, seresnet50, seresnet101, res2net50_26w_4s,"
                + " res2net101_26w_4s); resnet56 has none", e.getMessage());
    }
}
