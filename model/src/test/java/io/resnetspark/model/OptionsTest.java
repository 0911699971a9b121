package io.resnetspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OptionsTest {

    private static ModelOptionException bad(ResNetOptions.Builder b) {
        return assertThrows(ModelOptionException.class, b::build);
    }

    @Test
    void badOptionsNameTheOption() {
        ModelOptionException depth = assertThrows(ModelOptionException.class,
                () -> ResNetOptions.builder("resnet19").build());
        assertEquals("model", depth.option());
        assertTrue(depth.getMessage().contains("resnet18"), "lists the known depths: " + depth.getMessage());
        assertEquals("model", assertThrows(ModelOptionException.class,
                () -> ResNetOptions.builder("vgg16").build()).option());
        assertEquals("classes", bad(ResNetOptions.builder("resnet18").classes(0)).option());
        ModelOptionException small = bad(ResNetOptions.builder("resnet50").input(3, 16, 16).stem(Stem.IMAGENET));
        assertEquals("input", small.option());
        assertTrue(small.getMessage().contains("at least 32x32"), small.getMessage());
        assertEquals("dropout", bad(ResNetOptions.builder("resnet18").dropout(1.0)).option());
        assertEquals("last_stride", bad(ResNetOptions.builder("resnet18").lastStride(3)).option());
        assertEquals("init", bad(ResNetOptions.builder("resnet18").init("zeros")).option());
        assertEquals("stem", bad(ResNetOptions.builder("resnet20").input(3, 224, 224).stem(Stem.IMAGENET)).option());
        assertEquals("input", assertThrows(ModelOptionException.class,
                () -> ResNetOptions.builder("resnet18").input("3by32")).option());
        assertFalse(small.getMessage().contains("\n"), "one sentence");
    }

    @Test
    void defaultsFollowTheInput() {
        assertEquals(Stem.IMAGENET, ResNetOptions.builder("resnet50").input(3, 224, 224).build().stem());
        assertEquals(Stem.SMALL, ResNetOptions.builder("resnet18").input(1, 28, 28).build().stem());
        assertFalse(ResNetOptions.builder("plain56").input(3, 32, 32).build().residual());
        assertEquals(Architecture.byName("ResNet-50"), Architecture.byName("resnet50"));
        assertEquals(Shortcut.B, ResNetOptions.builder("resnet18").build().shortcut());
    }
}
