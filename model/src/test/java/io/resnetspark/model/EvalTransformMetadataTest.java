package io.resnetspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The eval transform travels in the metadata JSON, and metadata written before it existed still reads. */
class EvalTransformMetadataTest {

    @Test
    void roundTripsAndOldMetadataReadsAsNone() throws Exception {
        ResNetOptions o = ResNetOptions.builder("resnet18").classes(2).build();
        ModelMetadata m = ModelMetadata.of(o, List.of("a", "b"), Normalization.imagenet())
                .withEvalTransform(EvalTransform.torchvision(224, 224));
        ModelMetadata back = ModelStore.JSON.readValue(ModelStore.JSON.writeValueAsBytes(m), ModelMetadata.class);
        assertEquals(new EvalTransform(256, 224, 224, "bilinear", "RGB", 1.0 / 255.0), back.evalTransform());
        assertEquals(back.evalTransform(), back.withTraining(java.util.Map.of("epoch", 1)).withOptions(o,
                List.of("x", "y")).evalTransform(), "the other withers keep it");

        String old = ModelStore.JSON.writeValueAsString(ModelMetadata.of(o, List.of("a", "b"), Normalization.imagenet()))
                .replaceAll(",\\s*\"evalTransform\"\\s*:\\s*null", "");
        assertEquals(-1, old.indexOf("evalTransform"), old);
        ModelMetadata legacy = ModelStore.JSON.readValue(old, ModelMetadata.class);
        assertNull(legacy.evalTransform());
        assertEquals(List.of("a", "b"), legacy.classes());
    }

    @Test
    void theCropSetsTheResizeByTorchvisionsRatio() {
        assertEquals(256, EvalTransform.torchvision(224, 224).resizeShorterSide());
        assertEquals(329, EvalTransform.torchvision(288, 320).resizeShorterSide());
    }
}
