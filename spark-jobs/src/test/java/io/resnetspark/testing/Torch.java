package io.resnetspark.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * PyTorch as the oracle of the weights tests, under Debian's interpreter (/usr/bin/python3 unless
 * {@code -Dresnetspark.python}): the model module's torchvision script writes a randomly initialised
 * network's checkpoints and logits, and this module's scripts ({@link Python#script}) add what only the
 * application sees (torchvision's image transforms). A missing torch fails the test,
 * never skips it.
 */
public final class Torch {
    /** The model module's oracle, read from the source tree the tests run in: one script, not two copies. */
    private static final Path RESNET_SCRIPT = Path.of("..", "model", "src", "test", "resources", "oracle",
            "torchvision_resnet.py");

    private Torch() {
    }

    /**
     * A torchvision {@code model} with random weights and batch-norm statistics, saved in {@code formats}
     * (pth, safetensors, whole, nested) under {@code dir} with input.bin and logits.bin for a batch of
     * {@code batch} images of {@code size} px.
     */
    public static Path resnet(String model, Path dir, int classes, int size, int batch, String formats) {
        assertTrue(Files.isRegularFile(RESNET_SCRIPT), "the torchvision oracle " + RESNET_SCRIPT.toAbsolutePath());
        Python.run(dir, List.of(RESNET_SCRIPT.toAbsolutePath().toString(), "--model", model, "--out", dir.toString(),
                "--classes", String.valueOf(classes), "--size", String.valueOf(size), "--batch", String.valueOf(batch),
                "--formats", formats));
        return dir;
    }

    /** Raw little-endian float32 as the oracles write them. */
    public static float[] floats(Path file) {
        try {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
            float[] v = new float[b.remaining() / 4];
            b.asFloatBuffer().get(v);
            return v;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
