package io.resnetspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.resnetspark.model.layers.ChannelGate;
import io.resnetspark.model.layers.ChannelGateVertex;
import io.resnetspark.model.layers.ChannelSlice;
import io.resnetspark.model.layers.GroupedConvolution;
import io.resnetspark.model.layers.GroupedConvolutionLayer;
import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Each block kind survives ModelStore's save and load with its updater state: the custom layer and
 * vertices go through DL4J's JSON configuration by class name and come back as the same classes.
 */
class VariantStoreTest {
    @TempDir
    Path dir;

    static Stream<Arguments> kinds() {
        return Stream.of(
                Arguments.of(TinyRows.RESNEXT, "layer1_0_conv2", GroupedConvolution.class),
                Arguments.of(TinyRows.SE_RESNET, "layer1_0_se", ChannelGate.class),
                Arguments.of(TinyRows.RES2NET, "layer1_1_split_1", ChannelSlice.class));
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void roundTripKeepsOutputsParametersAndUpdater(Architecture tiny, String vertex, Class<?> kind) throws Exception {
        ResNetOptions o = TinyRows.options(tiny, 1, 16, 2);
        ComputationGraph g = TinyRows.build(tiny, o);
        g.fit(TrainingStepTest.learnableBatch(4, 1, 16, 3));
        ModelMetadata meta = ModelMetadata.of(o, List.of("left", "right"), Normalization.imagenet())
                .withTraining(Map.of("epoch", 1));
        File f = dir.resolve(tiny.name() + ".zip").toFile();
        ModelStore.save(g, meta, true, f);
        ModelStore.Loaded back = ModelStore.load(f, f.getName(), true);

        ComputationGraphConfiguration conf = back.graph().getConfiguration();
        Object restored = conf.getVertices().get(vertex) instanceof LayerVertex lv
                ? lv.getLayerConf().getLayer() : conf.getVertices().get(vertex);
        assertInstanceOf(kind, restored, vertex + " comes back as " + kind.getSimpleName());
        assertEquals(g.getConfiguration().getVertices().get(vertex), conf.getVertices().get(vertex),
                "its configuration is unchanged");
        if (tiny == TinyRows.RESNEXT) {
            assertInstanceOf(GroupedConvolutionLayer.class, back.graph().getLayer(vertex));
            assertEquals(4, ((GroupedConvolution) restored).getGroups());
        }
        if (tiny == TinyRows.SE_RESNET) {
            assertInstanceOf(ChannelGateVertex.class, back.graph().getVertex(vertex));
        }
        INDArray x = Nd4j.rand(new int[] {3, 1, 16, 16});
        assertEquals(g.outputSingle(x), back.graph().outputSingle(x));
        assertEquals(g.params(), back.graph().params());
        assertEquals(g.getUpdater().getStateViewArray(), back.graph().getUpdater().getStateViewArray());
        assertEquals(o, back.metadata().options());

        // and training continues from the restored state exactly as it would have in the original
        g.fit(TrainingStepTest.learnableBatch(4, 1, 16, 4));
        back.graph().fit(TrainingStepTest.learnableBatch(4, 1, 16, 4));
        assertTrue(g.params().equalsWithEps(back.graph().params(), 1e-6), "same step after the reload");
    }

    @Test
    void transferLearningFreezesAGroupedBackbone() throws Exception {
        ResNetOptions o = TinyRows.options(TinyRows.RESNEXT, 1, 16, 2);
        ModelStore.Loaded m = new ModelStore.Loaded(TinyRows.build(TinyRows.RESNEXT, o),
                ModelMetadata.of(o, List.of("left", "right"), Normalization.imagenet()));
        ModelStore.Loaded t = Transfer.newHead(m, List.of("a", "b", "c"), true,
                new Adam(1e-2));
        INDArray grouped = t.graph().getLayer("layer2_0_conv2").params().dup();
        INDArray x = Nd4j.rand(new int[] {6, 1, 16, 16});
        INDArray y = Nd4j.zeros(6, 3);
        for (int i = 0; i < 6; i++) {
            y.putScalar(i, i % 3, 1);
        }
        t.graph().fit(new DataSet(x, y));
        assertEquals(grouped, t.graph().getLayer("layer2_0_conv2").params(), "the frozen grouped layer did not move");
        assertEquals(3, t.graph().outputSingle(x).size(1));
        File f = dir.resolve("transfer.zip").toFile();
        ModelStore.save(t.graph(), t.metadata(), false, f);
        assertEquals(t.graph().outputSingle(x), ModelStore.load(f, f.getName(), false).graph().outputSingle(x));
    }
}
