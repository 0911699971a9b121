package io.resnetspark.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.resnetspark.model.layers.GroupedConvolution;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The same weights and input give the same numbers here as in PyTorch: one grouped convolution (output
 * and all three gradients), and whole networks at 64 px (torchvision's resnext50_32x4d itself; SE-ResNet-50
 * and Res2Net-50 as torch modules written after timm's and the paper's code, see torch_oracle.py).
 * Loading the state dict here uses only the naming rule documented in {@link Blocks}, so these tests
 * also pin that rule for the weight importer: every torch key lands on a parameter and none is left over.
 */
class TorchParityTest {
    @TempDir
    Path dir;

    private static double relativeError(INDArray expected, INDArray actual) {
        assertArrayEquals(expected.shape(), actual.shape(), "shapes");
        double scale = Math.max(1e-12, expected.amaxNumber().doubleValue());
        return expected.sub(actual).amaxNumber().doubleValue() / scale;
    }

    /** CI installs python3-torch; where it is missing the parity tests fail and say how to install it. */
    @Test
    void missingTorchFailsWithTheInstallCommand() throws Exception {
        Path fake = dir.resolve("python-without-torch");
        Files.writeString(fake, "#!/bin/sh\necho \"ModuleNotFoundError: No module named 'torch'\"\nexit 1\n");
        assertTrue(fake.toFile().setExecutable(true));
        AssertionError e = assertThrows(AssertionError.class,
                () -> TorchOracle.run(fake.toString(), "grouped_conv", dir));
        assertTrue(e.getMessage().contains("apt-get install python3-torch python3-torchvision"), e.getMessage());
        AssertionError none = assertThrows(AssertionError.class,
                () -> TorchOracle.run(dir.resolve("no-such-python").toString(), "grouped_conv", dir));
        assertTrue(none.getMessage().contains("apt-get install"), none.getMessage());
    }

    @Test
    void groupedConvolutionForwardAndBackward() throws Exception {
        Map<String, INDArray> t = TorchOracle.run("grouped_conv", dir);
        NeuralNetConfiguration conf = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT)
                .layer(new GroupedConvolution.Builder(3, 3).stride(2, 2).padding(1, 1).groups(3).hasBias(true)
                        .nIn(6).nOut(9).build())
                .build();
        long n = conf.getLayer().initializer().numParams(conf);
        Layer layer = conf.getLayer().instantiate(conf, null, 0, Nd4j.create(DataType.FLOAT, 1, n), true,
                DataType.FLOAT);
        layer.setBackpropGradientsViewArray(Nd4j.create(DataType.FLOAT, 1, n));
        assertArrayEquals(t.get("weight").shape(), layer.getParam("W").shape(), "W has torch's [out, in/groups, kH, kW]");
        layer.getParam("W").assign(t.get("weight"));
        layer.getParam("b").assign(t.get("bias").reshape(1, 9));

        INDArray y = layer.activate(t.get("x"), true, LayerWorkspaceMgr.noWorkspaces());
        assertTrue(relativeError(t.get("y"), y) < 1e-5, "output");
        Pair<Gradient, INDArray> back = layer.backpropGradient(t.get("upstream"), LayerWorkspaceMgr.noWorkspaces());
        assertTrue(relativeError(t.get("x_grad"), back.getSecond()) < 1e-5, "input gradient");
        Map<String, INDArray> grads = back.getFirst().gradientForVariable();
        assertTrue(relativeError(t.get("weight_grad"), grads.get("W")) < 1e-5, "weight gradient");
        assertTrue(relativeError(t.get("bias_grad"), grads.get("b").reshape(9)) < 1e-5, "bias gradient");
    }

    @ParameterizedTest
    @ValueSource(strings = {"resnext50_32x4d", "seresnet50", "res2net50_26w_4s"})
    void wholeNetworkAt64Pixels(String model) throws Exception {
        Map<String, INDArray> t = TorchOracle.run(model, dir);
        ResNetOptions o = ResNetOptions.builder(model).classes(1000).input(3, 64, 64).stem(Stem.IMAGENET).build();
        ComputationGraph g = ResNetBuilder.build(o, Optimization.defaults());
        loadStateDict(g, t);

        INDArray x = t.get("x");
        INDArray features = g.output(List.of(ResNetBuilder.FEATURES), false, new INDArray[] {x}, null)[0];
        double featureError = relativeError(t.get("features"), features);
        assertTrue(featureError < 1e-4, model + ": pooled features differ by " + featureError + " of their largest value");
        double probError = t.get("probabilities").sub(g.outputSingle(false, x)).amaxNumber().doubleValue();
        assertTrue(probError < 1e-5, model + ": class probabilities differ by " + probError);
    }

    /** torch's module path for a vertex, by the rule in {@link Blocks}. */
    static String torchModule(String vertex) {
        return vertex.replace("downsample_conv", "downsample.0").replace("downsample_bn", "downsample.1")
                .replace('_', '.');
    }

    private static void loadStateDict(ComputationGraph g, Map<String, INDArray> t) {
        Set<String> unused = new TreeSet<>();
        for (String k : t.keySet()) {
            if (k.startsWith("param.")) {
                unused.add(k.substring("param.".length()));
            }
        }
        Set<String> filled = new HashSet<>();
        for (Layer l : g.getLayers()) {
            if (l.numParams() == 0) {
                continue;
            }
            String m = torchModule(l.conf().getLayer().getLayerName());
            org.deeplearning4j.nn.conf.layers.Layer conf = l.conf().getLayer();
            for (String param : l.paramTable().keySet()) {
                String key;
                INDArray value;
                if (conf instanceof ConvolutionLayer || conf instanceof GroupedConvolution) {
                    key = m + (param.equals("W") ? ".weight" : ".bias");
                    value = take(t, key, unused);
                } else if (conf instanceof BaseOutputLayer) {
                    key = m + (param.equals("W") ? ".weight" : ".bias");
                    value = param.equals("W") ? take(t, key, unused).transpose() : take(t, key, unused);
                } else if (conf instanceof BatchNormalization) {
                    switch (param) {
                        case BatchNormalizationParamInitializer.GAMMA -> value = take(t, key = m + ".weight", unused);
                        case BatchNormalizationParamInitializer.BETA -> value = take(t, key = m + ".bias", unused);
                        case BatchNormalizationParamInitializer.GLOBAL_MEAN ->
                                value = take(t, key = m + ".running_mean", unused);
                        case BatchNormalizationParamInitializer.GLOBAL_VAR ->
                                value = take(t, key = m + ".running_var", unused);
                        case BatchNormalizationParamInitializer.GLOBAL_LOG_STD ->
                                // DL4J keeps log10 of the running standard deviation
                                value = Transforms.log(take(t, key = m + ".running_var", unused), 10).muli(0.5);
                        default -> throw new AssertionError("unexpected BN parameter " + param);
                    }
                } else {
                    throw new AssertionError("no torch name rule for " + conf.getClass().getSimpleName());
                }
                INDArray target = l.getParam(param);
                assertEquals(target.length(), value.length(), key + " size");
                target.assign(value.reshape(target.ordering(), target.shape()));
                filled.add(key);
            }
        }
        assertEquals(Set.of(), unused, "torch parameters that no vertex took");
        assertTrue(filled.size() > 100, "the network was filled");
    }

    private static INDArray take(Map<String, INDArray> t, String key, Set<String> unused) {
        INDArray v = t.get("param." + key);
        if (v == null) {
            throw new AssertionError("no torch parameter " + key + " for this vertex");
        }
        unused.remove(key);
        return v;
    }
}
