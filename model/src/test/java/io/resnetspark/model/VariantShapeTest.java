package io.resnetspark.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.resnetspark.model.layers.GroupedConvolution;
import java.util.Map;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Output shapes of the variants, from their configurations (no weights needed) and from real forward passes. */
class VariantShapeTest {

    private static Map<String, InputType> shapes(String model, int size) {
        ResNetOptions o = ResNetOptions.builder(model).classes(1000).input(3, size, size).build();
        ComputationGraphConfiguration conf = ResNetBuilder.configuration(o, Optimization.defaults());
        return conf.getLayerActivationTypes(InputType.convolutional(size, size, 3));
    }

    private static String shape(Map<String, InputType> s, String vertex) {
        InputType t = s.get(vertex);
        return t == null ? null : ModelSummary.describe(t);
    }

    static Stream<String> rows() {
        return Stream.of("resnext50_32x4d", "resnext101_32x8d", "resnext101_64x4d", "wide_resnet50_2",
                "wide_resnet101_2", "seresnet50", "seresnet101", "res2net50_26w_4s", "res2net101_26w_4s");
    }

    @ParameterizedTest
    @MethodSource("rows")
    void stagesAt224AreTorchvisions(String model) {
        Map<String, InputType> s = shapes(model, 224);
        int deep = model.contains("101") ? 22 : 5;
        assertEquals("64x112x112", shape(s, "conv1"));
        assertEquals("64x56x56", shape(s, "maxpool"));
        assertEquals("256x56x56", shape(s, "layer1_2_relu"));
        assertEquals("512x28x28", shape(s, "layer2_3_relu"));
        assertEquals("1024x14x14", shape(s, "layer3_" + deep + "_relu"));
        assertEquals("2048x7x7", shape(s, "layer4_2_relu"));
        assertEquals("2048", shape(s, "avgpool"));
        assertEquals("1000", shape(s, "fc"));
    }

    /** The block interiors: width, groups and the stride on the 3x3 (or on Res2Net's convs_i and pool). */
    @ParameterizedTest
    @CsvSource({
        "resnext50_32x4d, layer1_0_conv2, 128x56x56",
        "resnext50_32x4d, layer2_0_conv2, 256x28x28",
        "resnext50_32x4d, layer4_0_conv2, 1024x7x7",
        "resnext101_32x8d, layer1_0_conv2, 256x56x56",
        "resnext101_64x4d, layer1_0_conv2, 256x56x56",
        "wide_resnet50_2, layer1_0_conv2, 128x56x56",
        "wide_resnet101_2, layer3_22_conv2, 512x14x14",
        "seresnet50, layer1_0_se_pool, 256x1x1",
        "seresnet50, layer1_0_se_fc1, 16x1x1",
        "seresnet50, layer4_0_se_fc1, 128x1x1",
        "seresnet50, layer4_0_se, 2048x7x7",
        "res2net50_26w_4s, layer1_0_conv1, 104x56x56",
        "res2net50_26w_4s, layer1_0_convs_0, 26x56x56",
        "res2net50_26w_4s, layer1_1_sum_2, 26x56x56",
        "res2net50_26w_4s, layer1_0_cat, 104x56x56",
        "res2net50_26w_4s, layer2_0_convs_2, 52x28x28",
        "res2net50_26w_4s, layer2_0_pool, 52x28x28",
        "res2net50_26w_4s, layer2_0_cat, 208x28x28",
        "res2net101_26w_4s, layer4_2_convs_2, 208x7x7"})
    void blockInteriors(String model, String vertex, String expected) {
        assertEquals(expected, shape(shapes(model, 224), vertex), model + " " + vertex);
    }

    @Test
    void groupedConvolutionOnlyWhereGroupsAreAboveOne() {
        ResNetOptions x = ResNetOptions.builder("resnext101_64x4d").build();
        LayerVertex v = (LayerVertex) ResNetBuilder.configuration(x, Optimization.defaults()).getVertices()
                .get("layer3_7_conv2");
        GroupedConvolution grouped = assertInstanceOf(GroupedConvolution.class, v.getLayerConf().getLayer());
        assertEquals(64, grouped.getGroups());
        assertEquals(1024, grouped.getNIn());
        ResNetOptions wide = ResNetOptions.builder("wide_resnet50_2").build();
        assertEquals(ConvolutionLayer.class, ((LayerVertex) ResNetBuilder.configuration(wide, Optimization.defaults())
                .getVertices().get("layer1_0_conv2")).getLayerConf().getLayer().getClass(),
                "groups=1 stays DL4J's ConvolutionLayer (and keeps its oneDNN helper)");
    }

    @ParameterizedTest
    @CsvSource({"resnext50_32x4d", "seresnet50", "res2net50_26w_4s"})
    void smallStemBackboneForward(String model) {
        ResNetOptions o = ResNetOptions.builder(model).classes(10).input(3, 32, 32).includeTop(false).build();
        assertEquals(Stem.SMALL, o.stem());
        ComputationGraph g = ResNetBuilder.build(o, Optimization.defaults());
        INDArray out = g.outputSingle(Nd4j.rand(DataType.FLOAT, 2, 3, 32, 32));
        assertArrayEquals(new long[] {2, 2048}, out.shape());
        assertFalse(out.isNaN().any() || out.isInfinite().any(), "finite features at initialisation");
        assertTrue(out.stdNumber().doubleValue() > 0, "features vary");
    }

    @ParameterizedTest
    @MethodSource("tiny")
    void tinyRowsGiveProbabilities(Architecture tiny) {
        ResNetOptions o = TinyRows.options(tiny, 1, 28, 7);
        ComputationGraph g = TinyRows.build(tiny, o);
        INDArray out = g.outputSingle(Nd4j.rand(DataType.FLOAT, 3, 1, 28, 28));
        assertArrayEquals(new long[] {3, 7}, out.shape());
        assertEquals(1.0, out.getRow(0).sumNumber().doubleValue(), 1e-4);
        assertFalse(out.isNaN().any(), "no NaN at initialisation");
    }

    static Stream<Arguments> tiny() {
        return Stream.of(Arguments.of(TinyRows.RESNEXT), Arguments.of(TinyRows.SE_RESNET), Arguments.of(TinyRows.RES2NET));
    }
}
