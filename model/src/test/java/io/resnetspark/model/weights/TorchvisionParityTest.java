package io.resnetspark.model.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.resnetspark.model.Logits;
import io.resnetspark.model.ModelStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Every zoo network with an ImageNet stem, given torchvision's own random weights (with non-trivial
 * BN statistics) as a .pth and as a .safetensors file, computes torchvision's logits. A 64x64 batch
 * of two keeps ResNet-152 affordable on two cores; the 224 crop only changes how often each
 * weight is used, not which weight goes where.
 */
class TorchvisionParityTest {

    @ParameterizedTest
    @ValueSource(strings = {"resnet18", "resnet34", "resnet50", "resnet101", "resnet152"})
    void importedWeightsReproduceTorchvisionLogits(String model, @TempDir Path dir) throws IOException {
        TorchOracle oracle = TorchOracle.generate(model, dir, 1000, 64, 2, "pth,safetensors");
        INDArray x = oracle.input();
        INDArray expected = oracle.logits("logits.bin");
        for (String file : new String[] {"weights.pth", "weights.safetensors"}) {
            WeightImport.Result r = read(oracle.file(file), WeightImport.Request.of(model));
            assertEquals(1000, r.model().metadata().classes().size());
            assertEquals("999", r.model().metadata().classes().get(999));
            Parity.of(expected, Logits.of(r.model().graph(), x)).assertWithin(model + " from " + file);
            Files.delete(oracle.file(file));
        }
    }

    static WeightImport.Result read(Path file, WeightImport.Request request) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return WeightImport.importWeights(in, file.getFileName().toString(), request);
        }
    }

    static ModelStore.Loaded roundTrip(ModelStore.Loaded m, Path dir) throws IOException {
        Path f = dir.resolve("model.zip");
        ModelStore.save(m.graph(), m.metadata(), false, f.toFile());
        return ModelStore.load(f.toFile(), f.toString(), false);
    }
}
