package io.resnetspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;

/** The variants are rows looked up by name like the ResNets, and the summary describes their layers. */
class ModelTableTest {

    @Test
    void variantsAreSelectedByName() {
        assertSame(Architecture.byName("resnext50_32x4d"), Architecture.byName("ResNeXt-50_32x4d"));
        assertSame(Architecture.byName("resnet50"), Architecture.byName("50"));
        assertSame(Architecture.byName("wide_resnet50_2"), Architecture.byName("Wide-ResNet50-2"));
        Architecture x = Architecture.byName("resnext101_64x4d");
        assertEquals(Block.BOTTLENECK, x.block());
        assertEquals(64, x.groups());
        assertEquals(256, x.innerWidth(0), "torchvision: int(64 * 4 / 64) * 64");
        assertEquals(128, Architecture.byName("wide_resnet50_2").innerWidth(0));
        Architecture r = Architecture.byName("res2net101_26w_4s");
        assertEquals(26, r.groupWidth(0));
        assertEquals(104, r.innerWidth(0));
        assertEquals(208, r.groupWidth(3));
        assertEquals(Block.SE_BOTTLENECK, Architecture.byName("seresnet101").block());
        String known = Architecture.knownNames();
        for (String name : new String[] {"resnext50_32x4d", "resnext101_32x8d", "resnext101_64x4d", "wide_resnet50_2",
                "wide_resnet101_2", "seresnet50", "seresnet101", "res2net50_26w_4s", "res2net101_26w_4s"}) {
            assertTrue(known.contains(name), known);
            assertEquals(name, ResNetOptions.builder(name).build().architecture().name());
        }
        ModelOptionException e = assertThrows(ModelOptionException.class, () -> Architecture.byName("resnext50"));
        assertEquals("model", e.option());
        assertTrue(e.getMessage().contains("resnext50_32x4d"), e.getMessage());
    }

    @Test
    void seWidthFollowsTimm() {
        assertEquals(16, Block.seWidth(256));
        assertEquals(128, Block.seWidth(2048));
        assertEquals(8, Block.seWidth(32), "never below the divisor");
        assertEquals(24, Block.seWidth(320), "20 rounds half up to 24");
    }

    @Test
    void summaryListsGroupedLayersWithTheirCounts() {
        ResNetOptions o = ResNetOptions.builder("resnext50_32x4d").classes(10).input(3, 32, 32).build();
        ComputationGraph g = ResNetBuilder.build(o, Optimization.defaults());
        ModelSummary s = ModelSummary.of(g, o);
        ModelSummary.Row conv2 = s.layers().stream().filter(r -> r.name().equals("layer1_0_conv2")).findFirst()
                .orElseThrow();
        assertEquals("GroupedConvolutionLayer", conv2.type());
        assertEquals("128x32x32", conv2.outputShape());
        assertEquals(128L * 4 * 3 * 3, conv2.trainableParams(), "128 outputs x 4 inputs per group x 3x3");
        assertTrue(s.table().contains("GroupedConvolutionLayer"));
        long smallStemSaves = 64 * 3 * (7 * 7 - 3 * 3);
        assertEquals(25028904 - 2049 * 1000 + 2049 * 10 - smallStemSaves, s.trainableParams(),
                "torchvision's count with a 10-class head and the 3x3 stem");
    }

    /** torchvision's kaiming_normal_(mode="fan_out"): std sqrt(2 / (out x kH x kW)), the groups not dividing it. */
    @Test
    void kaimingFanOutInitialisation() {
        ComputationGraph x = ResNetBuilder.build(ResNetOptions.builder("resnext50_32x4d").classes(10).input(3, 32, 32)
                .build(), Optimization.defaults());
        assertEquals(Math.sqrt(2.0 / (128 * 9)), x.getLayer("layer1_0_conv2").getParam("W").stdNumber().doubleValue(),
                0.05 * Math.sqrt(2.0 / (128 * 9)));
        assertEquals(0.0, x.getLayer("layer1_0_conv2").getParam("W").meanNumber().doubleValue(), 0.005);
        ComputationGraph se = ResNetBuilder.build(ResNetOptions.builder("seresnet50").classes(10).input(3, 32, 32)
                .build(), Optimization.defaults());
        assertEquals(Math.sqrt(2.0 / 16), se.getLayer("layer1_0_se_fc1").getParam("W").stdNumber().doubleValue(),
                0.05 * Math.sqrt(2.0 / 16));
        assertEquals(0.0, se.getLayer("layer1_0_se_fc1").getParam("b").amaxNumber().doubleValue(), 0.0);
    }
}
