package io.resnetspark.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.stream.Collectors;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ShapeTest {

    private static Map<String, String> shapes(ResNetOptions o) {
        ComputationGraph g = ResNetBuilder.build(o, Optimization.defaults());
        return ModelSummary.of(g, o).layers().stream()
                .collect(Collectors.toMap(ModelSummary.Row::name, ModelSummary.Row::outputShape));
    }

    @Test
    void imagenetStemAt224() {
        Map<String, String> s = shapes(ResNetOptions.builder("resnet50").classes(1000).input(3, 224, 224).build());
        assertEquals("64x112x112", s.get("conv1"));
        assertEquals("64x56x56", s.get("maxpool"));
        assertEquals("256x56x56", s.get("layer1_2_relu"));
        assertEquals("512x28x28", s.get("layer2_3_relu"));
        assertEquals("1024x14x14", s.get("layer3_5_relu"));
        assertEquals("2048x7x7", s.get("layer4_2_relu"));
        assertEquals("2048", s.get("avgpool"));
        assertEquals("1000", s.get("fc"));
    }

    @ParameterizedTest
    @CsvSource({"1, 28, 512x4x4", "3, 32, 512x4x4", "3, 48, 512x6x6"})
    void smallStem(int channels, int size, String last) {
        Map<String, String> s = shapes(ResNetOptions.builder("resnet18").classes(10).input(channels, size, size).build());
        assertEquals("64x" + size + "x" + size, s.get("conv1"), "the small stem keeps full resolution");
        assertEquals(last, s.get("layer4_1_relu"));
        assertEquals(null, s.get("maxpool"));
    }

    @Test
    void lastStrideOneKeepsResolution() {
        Map<String, String> s = shapes(ResNetOptions.builder("resnet18").classes(10).input(3, 32, 32).lastStride(1).build());
        assertEquals("512x8x8", s.get("layer4_1_relu"));
    }

    @Test
    void cifarFamilyHasThreeStages() {
        Map<String, String> s = shapes(ResNetOptions.builder("resnet20").classes(10).input(3, 32, 32).build());
        assertEquals("16x32x32", s.get("layer1_2_relu"));
        assertEquals("32x16x16", s.get("layer2_2_relu"));
        assertEquals("64x8x8", s.get("layer3_2_relu"));
        assertEquals(null, s.get("layer4_0_relu"));
    }

    @Test
    void forwardPassGivesProbabilities() {
        ComputationGraph g = ResNetBuilder.build(ResNetOptions.builder("resnet18").classes(7).input(1, 28, 28).build(),
                Optimization.defaults());
        INDArray out = g.outputSingle(Nd4j.rand(new int[] {2, 1, 28, 28}));
        assertArrayEquals(new long[] {2, 7}, out.shape());
        assertEquals(1.0, out.getRow(0).sumNumber().doubleValue(), 1e-4);
        assertEquals(false, Double.isNaN(out.sumNumber().doubleValue()), "no NaN at initialisation");
    }

    @Test
    void backboneEndsAtPooledFeatures() {
        ComputationGraph g = ResNetBuilder.build(ResNetOptions.builder("resnet18").classes(10).input(3, 32, 32)
                .includeTop(false).build(), Optimization.defaults());
        INDArray out = g.outputSingle(Nd4j.rand(new int[] {3, 3, 32, 32}));
        assertArrayEquals(new long[] {3, 512}, out.shape());
        assertEquals(null, g.getVertex("fc"));
    }
}
