package io.resnetspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.resnetspark.model.layers.GroupedConvolution;
import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** BN folding handles the grouped convolution (and the SE and Res2Net graphs) with unchanged outputs. */
class VariantFoldingTest {

    private static void foldAndCompare(ComputationGraph g, int channels, int size) {
        BatchNormFoldingTest.randomizeBatchNorm(g, 23);
        INDArray before = g.params().dup();
        BatchNormFolding.Folded f = BatchNormFolding.foldWithReport(g);
        long bn = Arrays.stream(g.getLayers()).filter(l -> l instanceof BatchNormalization).count();
        assertEquals(bn, f.bnIntoConv().size(), "every batch norm follows a convolution and is folded");
        assertEquals(before, g.params(), "the trained network is untouched");

        Nd4j.getRandom().setSeed(4);
        INDArray x = Nd4j.randn(DataType.FLOAT, 3, channels, size, size);
        INDArray a = g.output(List.of(ResNetBuilder.FEATURES), false, new INDArray[] {x}, null)[0];
        INDArray b = f.graph().output(List.of(ResNetBuilder.FEATURES), false, new INDArray[] {x}, null)[0];
        assertFalse(a.isNaN().any() || a.isInfinite().any());
        assertTrue(a.stdNumber().doubleValue() > 1e-3, "features are not constant");
        double rel = a.sub(b).amaxNumber().doubleValue() / a.amaxNumber().doubleValue();
        assertTrue(rel < 1e-4, "pooled features differ by " + rel + " of their largest value");
        assertTrue(g.outputSingle(false, x).equalsWithEps(f.graph().outputSingle(false, x), 1e-4),
                "class probabilities agree");
    }

    @Test
    void resnext50GroupedConvolutionsTakeTheirBatchNorms() {
        ComputationGraph g = ResNetBuilder.build(ResNetOptions.builder("resnext50_32x4d").classes(5).input(3, 32, 32)
                .seed(3).build(), Optimization.defaults());
        BatchNormFolding.Folded f = BatchNormFolding.foldWithReport(g);
        assertEquals("layer3_2_conv2", f.bnIntoConv().get("layer3_2_bn2"));
        GroupedConvolution folded = (GroupedConvolution) f.graph().getLayer("layer3_2_conv2").conf().getLayer();
        assertTrue(folded.hasBias(), "the folded grouped convolution carries the batch norm's shift");
        assertEquals(32, folded.getGroups());
        assertFalse(((GroupedConvolution) g.getLayer("layer3_2_conv2").conf().getLayer()).hasBias(),
                "the original keeps its configuration");
        assertTrue(OneDnn.coverage(f.graph()).complete() || !OneDnn.cpuBackend(), OneDnn.coverage(f.graph()).toString());
        foldAndCompare(g, 3, 32);
    }

    @Test
    void groupedImageNetStem() {
        ResNetOptions o = ResNetOptions.builder("resnext50_32x4d").classes(4).input(3, 64, 64).stem(Stem.IMAGENET)
                .seed(5).build();
        foldAndCompare(ResNetBuilder.build(o, Optimization.defaults(), TinyRows.RESNEXT), 3, 64);
    }

    @Test
    void seAndRes2NetGraphs() {
        foldAndCompare(TinyRows.build(TinyRows.SE_RESNET, TinyRows.options(TinyRows.SE_RESNET, 3, 16, 3)), 3, 16);
        foldAndCompare(TinyRows.build(TinyRows.RES2NET, TinyRows.options(TinyRows.RES2NET, 3, 16, 3)), 3, 16);
    }
}
