package io.resnetspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Shortcut options A/B/C and the plain network differ exactly as the paper describes. */
class VariantTest {

    private static final ResNetOptions CIFAR = ResNetOptions.builder("resnet20").classes(10).input(3, 32, 32).build();

    private static ComputationGraph net(String model, Shortcut shortcut) {
        return ResNetBuilder.build(ResNetOptions.builder(model).classes(10).input(3, 32, 32).shortcut(shortcut).build(),
                Optimization.defaults());
    }

    private static ModelSummary summary(ComputationGraph g) {
        return ModelSummary.of(g, CIFAR);
    }

    private static long trainable(ComputationGraph g) {
        return summary(g).trainableParams();
    }

    @Test
    void optionBProjectsOnlyWhereTheShapeChanges() {
        ComputationGraph a = net("resnet20", Shortcut.A);
        ComputationGraph b = net("resnet20", Shortcut.B);
        // two projections: 16->32 and 32->64, each a 1x1 conv plus BN gamma/beta
        assertEquals((16 * 32 + 2 * 32) + (32 * 64 + 2 * 64), trainable(b) - trainable(a));
        assertNotNull(b.getVertex("layer2_0_downsample_conv"));
        assertNull(b.getVertex("layer2_1_downsample_conv"));
        assertNull(a.getVertex("layer2_0_downsample_conv"));
        assertNotNull(a.getVertex("layer2_0_shortcut_pad"), "option A pads with zeros");
    }

    @Test
    void optionCProjectsEveryBlock() {
        long extra = 0;
        int[] widths = {16, 32, 64};
        int in = 16;
        for (int w : widths) {
            for (int b = 0; b < 3; b++) {
                extra += (long) in * w + 2L * w;
                in = w;
            }
        }
        assertEquals(extra, trainable(net("resnet20", Shortcut.C)) - trainable(net("resnet20", Shortcut.A)));
    }

    @Test
    void optionAZeroPadsAndSubsamples() {
        ComputationGraph a = net("resnet20", Shortcut.A);
        INDArray x = Nd4j.rand(new int[] {2, 3, 32, 32});
        java.util.Map<String, INDArray> acts = a.feedForward(x, false);
        INDArray before = acts.get("layer1_2_relu");          // 16x32x32
        INDArray pad = acts.get("layer2_0_shortcut_pad");     // 32x16x16
        assertEquals(32, pad.size(1));
        assertEquals(16, pad.size(2));
        INDArray sub = before.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 2, 32),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 2, 32));
        INDArray firstHalf = pad.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 16), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.all());
        INDArray secondHalf = pad.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(16, 32), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.all());
        assertEquals(sub, firstHalf, "x[:, :, ::2, ::2]");
        assertEquals(0.0, secondHalf.amaxNumber().doubleValue(), 0.0, "padded channels are zero");
    }

    @Test
    void plainNetworkHasNoShortcuts() {
        ComputationGraph plain = net("plain20", Shortcut.B);
        ComputationGraph res = net("resnet20", Shortcut.A);
        assertEquals(trainable(res), trainable(plain), "option A shortcuts carry no parameters");
        assertNull(plain.getVertex("layer1_0_add"));
        assertNotNull(res.getVertex("layer1_0_add"));
        assertTrue(summary(plain).layers().stream().noneMatch(r -> r.name().contains("downsample")));
        ComputationGraph viaOption = ResNetBuilder.build(ResNetOptions.builder("resnet20").classes(10)
                .input(3, 32, 32).residual(false).build(), Optimization.defaults());
        assertEquals(summary(plain).layers().size(), summary(viaOption).layers().size());
    }

    @Test
    void bottleneckCarriesStrideOnTheThreeByThree() {
        ComputationGraph g = ResNetBuilder.build(ResNetOptions.builder("resnet50").classes(10).input(3, 64, 64)
                .stem(Stem.SMALL).build(), Optimization.defaults());
        org.deeplearning4j.nn.conf.layers.ConvolutionLayer c1 = (org.deeplearning4j.nn.conf.layers.ConvolutionLayer)
                g.getLayer("layer2_0_conv1").conf().getLayer();
        org.deeplearning4j.nn.conf.layers.ConvolutionLayer c2 = (org.deeplearning4j.nn.conf.layers.ConvolutionLayer)
                g.getLayer("layer2_0_conv2").conf().getLayer();
        assertEquals(1, c1.getStride()[0]);
        assertEquals(2, c2.getStride()[0]);
        assertEquals(3, c2.getKernelSize()[0]);
    }
}
