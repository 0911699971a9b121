package io.resnetspark.model.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.resnetspark.model.Logits;
import io.resnetspark.model.layers.GroupedConvolution;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The seeds' variants import as the plain ResNets do (see {@link TorchvisionParityTest}): torchvision's ResNeXt
 * and Wide ResNet, and timm's SE-ResNet and Res2Net, each with random weights and non-trivial BN statistics,
 * give the reference logits within 1e-4 of their scale. timm is not packaged in Debian, so its two families
 * come from oracle/timm_layout.py: torch modules with timm's key names and parameter counts (the same ones
 * model.TorchParityTest checks the builder against).
 *
 * <p>The 50-layer networks go through both file formats; the 101-layer ones through one each (the formats
 * alternate), which checks every key and shape of the deeper tables and one forward pass at a fraction of the
 * cost. All at 64 px, batch 2: the crop changes how often a weight is used, not which weight goes where.
 */
class VariantParityTest {

    @ParameterizedTest
    @ValueSource(strings = {"resnext50_32x4d", "wide_resnet50_2", "seresnet50", "res2net50_26w_4s"})
    void fiftyLayerVariantsFromBothFormats(String model, @TempDir Path dir) throws IOException {
        TorchOracle oracle = TorchOracle.generate(model, dir, 1000, 64, 2, "pth,safetensors");
        INDArray expected = oracle.logits("logits.bin");
        for (String file : new String[] {"weights.pth", "weights.safetensors"}) {
            WeightImport.Result r = TorchvisionParityTest.read(oracle.file(file), WeightImport.Request.of(model));
            assertEquals(1000, r.model().metadata().classes().size());
            assertEquals(model.startsWith("resnext"), hasGroupedLayers(r.model().graph()),
                    model + ": grouped convolutions exactly where torch has groups");
            Parity.of(expected, Logits.of(r.model().graph(), oracle.input())).assertWithin(model + " from " + file);
            Files.delete(oracle.file(file));
        }
    }

    @ParameterizedTest
    @CsvSource({"resnext101_32x8d, pth", "resnext101_64x4d, safetensors", "wide_resnet101_2, pth",
        "seresnet101, safetensors", "res2net101_26w_4s, pth"})
    void hundredAndOneLayerVariantsFromOneFile(String model, String format, @TempDir Path dir) throws IOException {
        TorchOracle oracle = TorchOracle.generate(model, dir, 1000, 64, 2, format);
        WeightImport.Result r = TorchvisionParityTest.read(oracle.file("weights." + format),
                WeightImport.Request.of(model));
        Parity.of(oracle.logits("logits.bin"), Logits.of(r.model().graph(), oracle.input()))
                .assertWithin(model + " from weights." + format);
    }

    /** A variant's file asked for under another row of the same depth: the refusal names the row it fits. */
    @Test
    void aVariantsFileUnderAnotherNameIsRefusedWithTheRightName(@TempDir Path dir) throws IOException {
        for (String model : new String[] {"resnext50_32x4d", "seresnet50", "res2net50_26w_4s"}) {
            Path file = TorchOracle.generate(model, Files.createDirectories(dir.resolve(model)), 10, 32, 1, "pth")
                    .file("weights.pth");
            for (String asked : new String[] {"resnet50", "wide_resnet50_2", "resnext50_32x4d"}) {
                if (asked.equals(model)) {
                    continue;
                }
                WeightFileException e = assertThrows(WeightFileException.class,
                        () -> TorchvisionParityTest.read(file, WeightImport.Request.of(asked)));
                String m = e.getMessage();
                assertTrue(m.startsWith("weights file weights.pth does not fit " + asked + ": "), m);
                assertTrue(m.endsWith("; the file looks like " + model + " weights"), m);
            }
        }
    }

    private static boolean hasGroupedLayers(ComputationGraph g) {
        return Arrays.stream(g.getLayers()).anyMatch(l -> l.conf().getLayer() instanceof GroupedConvolution);
    }
}
