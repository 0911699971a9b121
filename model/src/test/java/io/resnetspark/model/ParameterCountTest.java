package io.resnetspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ParameterCountTest {

    /** torchvision's trainable counts for 1000 classes; DL4J's numParams adds 2 x channels per BN layer. */
    @ParameterizedTest
    @CsvSource({
        "resnet18, 11689512, 11699112",
        "resnet34, 21797672, 21814696",
        "resnet50, 25557032, 25610152",
        "resnet101, 44549160, 44654504",
        "resnet152, 60192808, 60344232"})
    void trainableCountsEqualTorchvision(String model, long trainable, long all) {
        ResNetOptions o = ResNetOptions.builder(model).classes(1000).build();
        ComputationGraph g = ResNetBuilder.build(o, Optimization.defaults());
        ModelSummary s = ModelSummary.of(g, o);
        assertEquals(trainable, s.trainableParams(), model + " trainable");
        assertEquals(all, s.allParams(), model + " all");
        assertEquals(g.numParams(), s.allParams(), "all parameters are DL4J's numParams");
    }

    /**
     * The variants' trainable counts for 1000 classes: torchvision's ResNeXt and Wide ResNet, timm's
     * SE-ResNets (SE reduction 16, 1x1 convs with bias), the Res2Net paper's 26w x 4s networks.
     */
    @ParameterizedTest
    @CsvSource({
        "resnext50_32x4d, 25028904",
        "resnext101_32x8d, 88791336",
        "resnext101_64x4d, 83455272",
        "wide_resnet50_2, 68883240",
        "wide_resnet101_2, 126886696",
        "seresnet50, 28088024",
        "seresnet101, 49326872",
        "res2net50_26w_4s, 25699120",
        "res2net101_26w_4s, 45206688"})
    void variantTrainableCounts(String model, long trainable) {
        ResNetOptions o = ResNetOptions.builder(model).classes(1000).build();
        ComputationGraph g = ResNetBuilder.build(o, Optimization.defaults());
        ModelSummary s = ModelSummary.of(g, o);
        assertEquals(trainable, s.trainableParams(), model + " trainable");
        assertEquals(g.numParams(), s.allParams(), "all parameters are DL4J's numParams");
    }

    /** The paper's CIFAR ResNet-20 with option A has 0.27M parameters (269,722 for 10 classes). */
    @ParameterizedTest
    @CsvSource({"resnet20, 269722", "resnet56, 853018", "resnet110, 1727962"})
    void cifarFamily(String model, long trainable) {
        ResNetOptions o = ResNetOptions.builder(model).classes(10).input(3, 32, 32).shortcut(Shortcut.A).build();
        ComputationGraphConfiguration conf = ResNetBuilder.configuration(o, Optimization.defaults());
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        assertEquals(trainable, ModelSummary.of(g, o).trainableParams());
    }
}
