package io.resnetspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The folded inference copy computes what the original computes in inference mode. Each BN layer gets
 * running statistics far from their initial values (some variances near eps, so a wrong eps or a wrong
 * reading of DL4J's log10-std parameter shows), so an identity BN could not pass by accident.
 */
class BatchNormFoldingTest {

    private static ComputationGraph net(ResNetOptions.Builder b) {
        ComputationGraph g = ResNetBuilder.build(b.seed(3).build(), Optimization.defaults());
        randomizeBatchNorm(g, 17);
        return g;
    }

    static void randomizeBatchNorm(ComputationGraph g, long seed) {
        Nd4j.getRandom().setSeed(seed);
        for (Layer l : g.getLayers()) {
            if (!(l instanceof BatchNormalization)) {
                continue;
            }
            long c = l.getParam(BatchNormalizationParamInitializer.GAMMA).length();
            // variances between 1e-5 (where eps = 1e-5 doubles them) and about 3
            INDArray var = Transforms.pow(Nd4j.valueArrayOf(new long[] {1, c}, 10.0f),
                    Nd4j.rand(DataType.FLOAT, 1, c).muli(5.5).subi(5), false);
            // gamma in proportion to the std keeps 50 layers from overflowing, while eps still changes each scale
            l.getParam(BatchNormalizationParamInitializer.GAMMA).assign(
                    Transforms.sqrt(var, true).muli(Nd4j.rand(DataType.FLOAT, 1, c).addi(0.5)));
            l.getParam(BatchNormalizationParamInitializer.BETA).assign(Nd4j.randn(DataType.FLOAT, 1, c).muli(0.1));
            l.getParam(BatchNormalizationParamInitializer.GLOBAL_MEAN).assign(Nd4j.randn(DataType.FLOAT, 1, c).muli(0.1));
            Map<String, INDArray> params = l.paramTable();
            if (params.containsKey(BatchNormalizationParamInitializer.GLOBAL_LOG_STD)) {
                l.getParam(BatchNormalizationParamInitializer.GLOBAL_LOG_STD).assign(Transforms.log(var, 10).muli(0.5));
            } else {
                l.getParam(BatchNormalizationParamInitializer.GLOBAL_VAR).assign(var);
            }
        }
    }

    /** Max absolute difference relative to the largest magnitude, for the features and the class probabilities. */
    private static void assertSameOutputs(ComputationGraph original, ComputationGraph folded, int c, int h, int w) {
        INDArray x = Nd4j.randn(DataType.FLOAT, 3, c, h, w);
        Map<String, INDArray> a = original.feedForward(x, false);
        Map<String, INDArray> b = folded.feedForward(x, false);
        INDArray fa = a.get(ResNetBuilder.FEATURES);
        INDArray fb = b.get(ResNetBuilder.FEATURES);
        assertFalse(fa.isInfinite().any() || fa.isNaN().any(), "the original network's features are finite");
        double scale = Math.max(1e-6, fa.amaxNumber().doubleValue());
        double rel = fa.sub(fb).amaxNumber().doubleValue() / scale;
        assertTrue(rel < 1e-4, "pooled features differ by " + rel + " of their largest value");
        assertTrue(fa.stdNumber().doubleValue() > 1e-3, "features are not all constant");
        INDArray pa = original.outputSingle(false, x);
        INDArray pb = folded.outputSingle(false, x);
        assertTrue(pa.sub(pb).amaxNumber().doubleValue() < 1e-4, "class probabilities differ: " + pa + " vs " + pb);
    }

    private static void check(ResNetOptions.Builder b) {
        ComputationGraph g = net(b);
        ResNetOptions o = b.build();
        INDArray before = g.params().dup();
        BatchNormFolding.Folded f = BatchNormFolding.foldWithReport(g);
        long bnLayers = java.util.Arrays.stream(g.getLayers()).filter(l -> l instanceof BatchNormalization).count();
        assertEquals(bnLayers, f.bnIntoConv().size(), "every BN follows a convolution and is folded");
        assertEquals(0, java.util.Arrays.stream(f.graph().getLayers()).filter(l -> l instanceof BatchNormalization)
                .count());
        for (String conv : f.bnIntoConv().values()) {
            assertTrue(((ConvolutionLayer) f.graph().getLayer(conv).conf().getLayer()).hasBias(), conv + " got a bias");
            assertFalse(((ConvolutionLayer) g.getLayer(conv).conf().getLayer()).hasBias(), "the original is unchanged");
        }
        assertEquals(before, g.params(), "folding leaves the trained network's parameters alone");
        assertSameOutputs(g, f.graph(), o.channels(), o.height(), o.width());
        assertTrue(OneDnn.coverage(f.graph()).complete() || !OneDnn.cpuBackend(), OneDnn.coverage(f.graph()).toString());
    }

    @Test
    void resnet18SmallStemOptionA() {
        check(ResNetOptions.builder("resnet18").classes(10).input(3, 32, 32).shortcut(Shortcut.A));
    }

    @Test
    void resnet18ImageNetStemOptionB() {
        ComputationGraph g = net(ResNetOptions.builder("resnet18").classes(5).input(3, 64, 64).stem(Stem.IMAGENET)
                .shortcut(Shortcut.B));
        BatchNormFolding.Folded f = BatchNormFolding.foldWithReport(g);
        assertEquals("conv1", f.bnIntoConv().get("bn1"));
        assertEquals("layer2_0_downsample_conv", f.bnIntoConv().get("layer2_0_downsample_bn"));
        assertNull(f.graph().getVertex("bn1"));
        assertNotNull(f.graph().getVertex("maxpool"));
        check(ResNetOptions.builder("resnet18").classes(5).input(3, 64, 64).stem(Stem.IMAGENET).shortcut(Shortcut.B));
    }

    @Test
    void resnet50BottleneckOptionC() {
        check(ResNetOptions.builder("resnet50").classes(7).input(3, 32, 32).shortcut(Shortcut.C));
    }

    @Test
    void resnet50ImageNetStemOptionB() {
        check(ResNetOptions.builder("resnet50").classes(4).input(3, 64, 64).stem(Stem.IMAGENET).shortcut(Shortcut.B));
    }

    @Test
    void plainNetworksAndGreyInput() {
        check(ResNetOptions.builder("resnet18").classes(3).input(1, 28, 28).residual(false));
        check(ResNetOptions.builder("resnet50").classes(3).input(1, 28, 28).residual(false));
    }

    @Test
    void backboneWithoutClassifierFoldsToo() {
        ComputationGraph g = net(ResNetOptions.builder("resnet20").classes(4).input(3, 16, 16).includeTop(false));
        ComputationGraph f = BatchNormFolding.fold(g);
        INDArray x = Nd4j.randn(DataType.FLOAT, 2, 3, 16, 16);
        INDArray a = g.outputSingle(false, x);
        INDArray b = f.outputSingle(false, x);
        assertTrue(a.sub(b).amaxNumber().doubleValue() / a.amaxNumber().doubleValue() < 1e-4);
    }
}
