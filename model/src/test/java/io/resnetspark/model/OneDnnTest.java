package io.resnetspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper;
import org.junit.jupiter.api.Test;

/** Guards the oneDNN set-up: if any part of it regresses, layers silently fall back to slow paths. */
class OneDnnTest {

    @Test
    void everyConvBatchNormAndPoolLayerOfResNet50HasItsHelper() {
        assertTrue(OneDnn.cpuBackend(), "tests run on the CPU backend");
        ComputationGraph g = ResNetBuilder.build(ResNetOptions.builder("resnet50").classes(1000).build(),
                Optimization.defaults());
        assertTrue(BaseMKLDNNHelper.mklDnnEnabled(), "DL4J's oneDNN check answers true (repair class present)");
        OneDnn.Coverage c = OneDnn.coverage(g);
        // 53 convolutions, 53 batch norms, 1 max pool
        assertEquals(107, c.layers());
        assertTrue(c.complete(), c.toString());
        assertEquals(106, OneDnn.ownHelpers(g), "the project's own helpers on every conv and batch norm");
    }
}
