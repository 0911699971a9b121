package io.resnetspark.model.onednn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.resnetspark.model.OneDnn;
import io.resnetspark.model.Optimization;
import io.resnetspark.model.ResNetBuilder;
import io.resnetspark.model.ResNetOptions;
import io.resnetspark.model.Stem;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;

/**
 * Whole networks of the zoo with the project's helpers against the same networks on DL4J's built-in
 * layers (workspaces on, as training runs them).
 */
class ResNetWithOwnHelpersTest {
    private static final Optimization SGD = new Optimization(new Nesterovs(1e-3, 0.9), 0, 0);

    /** Basic blocks: score and every gradient of a step, then every parameter (running statistics too) after 3 steps. */
    @Test
    void resnet18TrainsLikeDl4j() {
        ResNetOptions o = ResNetOptions.builder("resnet18").classes(5).input("3x16x16").stem(Stem.SMALL).seed(11).build();
        ComputationGraph own = ResNetBuilder.build(o, SGD);
        ComputationGraph ref = reference(o, own);
        assertEquals(convAndBatchNorm(own), OneDnn.ownHelpers(own), "every conv and batch norm runs on the own helpers");

        INDArray y = labels();
        INDArray x = input(o);
        compareStep(own, ref, x, y);
        for (int step = 0; step < 3; step++) {
            INDArray xs = input(o);
            own.fit(new DataSet(xs, y));
            ref.fit(new DataSet(xs.dup(), y.dup()));
        }
        for (Map.Entry<String, INDArray> e : own.paramTable().entrySet()) {
            double d = Reference.relativeError(ref.paramTable().get(e.getKey()), e.getValue());
            assertTrue(d < Reference.TOLERANCE, e.getKey() + " after 3 steps differs by " + d);
        }
        compareInference(own, ref, x);
    }

    /**
     * Bottleneck blocks and the ImageNet stem: the training-mode score (batch statistics) and the inference
     * output. Gradients are compared per layer kind in ConvHelperTest and BatchNormHelperTest, not here:
     * at this size (batch 4, 2x2 maps in layer 4) float32 rounding through the batch norms puts DL4J's own
     * oneDNN helpers 1-15% away from DL4J's built-in path on most conv gradients (measured; fc 2e-4), and
     * the project's helpers the same distance, so no implementation can be held to 1e-4 there.
     */
    @Test
    void resnet50ComputesLikeDl4j() {
        scoreAndInferenceLikeDl4j(ResNetOptions.builder("resnet50").classes(5).input("3x64x64").stem(Stem.IMAGENET)
                .seed(11).build());
    }

    /**
     * At 32 px the ImageNet stem leaves layer 4 one pixel high and wide, where DL4J does not call the
     * convolution helper's activate(). Score and inference output, for the reason given on
     * {@link #resnet50ComputesLikeDl4j} (here each layer-4 batch norm sees 4 values a channel).
     */
    @Test
    void onePixelLayer4ComputesLikeDl4j() {
        scoreAndInferenceLikeDl4j(options("IMAGENET 3x32x32"));
    }

    /**
     * The variants' blocks around the same conv/BN layers: squeeze-excitation gates, Res2Net's channel
     * slices (strided views as convolution inputs) and ResNeXt's grouped 3x3s (no helper on either side).
     * Training-mode score and inference output, for the reason given on {@link #resnet50ComputesLikeDl4j}.
     */
    @ParameterizedTest
    @ValueSource(strings = {"seresnet50", "res2net50_26w_4s", "resnext50_32x4d"})
    void variantsComputeLikeDl4j(String model) {
        scoreAndInferenceLikeDl4j(ResNetOptions.builder(model).classes(5).input("3x16x16").stem(Stem.SMALL).seed(11)
                .build());
    }

    private static void scoreAndInferenceLikeDl4j(ResNetOptions o) {
        ComputationGraph own = ResNetBuilder.build(o, SGD);
        ComputationGraph ref = reference(o, own);
        assertEquals(convAndBatchNorm(own), OneDnn.ownHelpers(own));
        INDArray x = input(o);
        own.setInputs(x);
        own.setLabels(labels());
        own.computeGradientAndScore();
        ref.setInputs(x.dup());
        ref.setLabels(labels());
        ref.computeGradientAndScore();
        assertEquals(ref.score(), own.score(), 1e-4 * Math.abs(ref.score()), "training-mode score");
        compareInference(own, ref, x);
    }

    /**
     * A backbone frozen as the transfer recipe freezes it (DL4J's frozen layers: inference-mode forward, no
     * backward) under a classifier that trains: the score, the classifier's gradients and its parameters after
     * 3 steps, against the same frozen network on DL4J's built-in layers.
     */
    @ParameterizedTest
    @ValueSource(strings = {"SMALL 3x16x16", "IMAGENET 3x32x32"})
    void frozenBackboneTrainsLikeDl4j(String stemAndInput) {
        ResNetOptions o = options(stemAndInput);
        ComputationGraph trained = ResNetBuilder.build(o, SGD);
        INDArray y = labels();
        for (int step = 0; step < 2; step++) {
            trained.fit(new DataSet(input(o), y)); // running statistics other than the initial 0 and 1
        }
        ComputationGraph own = OneDnn.install(new TransferLearning.GraphBuilder(trained)
                .setFeatureExtractor(ResNetBuilder.FEATURES).build());
        ComputationGraph ref = new TransferLearning.GraphBuilder(reference(o, trained))
                .setFeatureExtractor(ResNetBuilder.FEATURES).build();
        Reference.builtIn(ref);
        ref.setParams(own.params());
        assertEquals(convAndBatchNorm(trained), OneDnn.ownHelpers(own), "the frozen layers run on the own helpers");

        compareStep(own, ref, input(o), y);
        for (int step = 0; step < 3; step++) {
            INDArray xs = input(o);
            own.fit(new DataSet(xs, y));
            ref.fit(new DataSet(xs.dup(), y.dup()));
            assertTrue(Double.isFinite(own.score()), "score after step " + step + ": " + own.score());
        }
        for (Map.Entry<String, INDArray> e : own.paramTable().entrySet()) {
            double d = Reference.relativeError(ref.paramTable().get(e.getKey()), e.getValue());
            assertTrue(d < Reference.TOLERANCE, e.getKey() + " after 3 steps differs by " + d);
        }
        compareInference(own, ref, input(o));
    }

    private static void compareStep(ComputationGraph own, ComputationGraph ref, INDArray x, INDArray y) {
        own.setInputs(x);
        own.setLabels(y);
        own.computeGradientAndScore();
        ref.setInputs(x.dup());
        ref.setLabels(y.dup());
        ref.computeGradientAndScore();
        assertEquals(ref.score(), own.score(), 1e-4 * Math.abs(ref.score()), "training-mode score");
        Map<String, INDArray> expected = ref.gradient().gradientForVariable();
        for (Map.Entry<String, INDArray> e : own.gradient().gradientForVariable().entrySet()) {
            double d = Reference.relativeError(expected.get(e.getKey()), e.getValue());
            assertTrue(d < Reference.TOLERANCE, e.getKey() + " gradient differs by " + d);
        }
    }

    private static void compareInference(ComputationGraph own, ComputationGraph ref, INDArray x) {
        INDArray a = own.outputSingle(false, x);
        INDArray b = ref.outputSingle(false, x.dup());
        assertTrue(Reference.relativeError(b, a) < Reference.TOLERANCE, "inference output " + Reference.relativeError(b, a));
    }

    private static ComputationGraph reference(ResNetOptions o, ComputationGraph own) {
        ComputationGraph ref = new ComputationGraph(ResNetBuilder.configuration(o, SGD));
        ref.init();
        Reference.builtIn(ref);
        ref.setParams(own.params());
        return ref;
    }

    private static ResNetOptions options(String stemAndInput) {
        String[] si = stemAndInput.split(" ");
        return ResNetOptions.builder("resnet18").classes(5).input(si[1]).stem(Stem.valueOf(si[0])).seed(11).build();
    }

    private static INDArray input(ResNetOptions o) {
        return Nd4j.randn(DataType.FLOAT, 4, o.channels(), o.height(), o.width());
    }

    private static INDArray labels() {
        INDArray y = Nd4j.zeros(DataType.FLOAT, 4, 5);
        for (int i = 0; i < 4; i++) {
            y.putScalar(i, (i * 3) % 5, 1f);
        }
        return y;
    }

    private static int convAndBatchNorm(ComputationGraph g) {
        int n = 0;
        for (Layer l : g.getLayers()) {
            if (l instanceof org.deeplearning4j.nn.layers.convolution.ConvolutionLayer
                    || l instanceof org.deeplearning4j.nn.layers.normalization.BatchNormalization) {
                n++;
            }
        }
        return n;
    }
}
