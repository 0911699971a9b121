package io.resnetspark.model.weights;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A torchvision network (or timm's SE-ResNet / Res2Net, see oracle/timm_layout.py) with random weights and its
 * logits, written by oracle/torchvision_resnet.py.
 */
final class TorchOracle {
    static final String SCRIPT = "oracle/torchvision_resnet.py";
    /** timm's SE-ResNet and Res2Net as torch modules (timm is not packaged in Debian); the script imports it. */
    static final String TIMM_LAYOUT = "oracle/timm_layout.py";

    final Path dir;
    final int batch;
    final int size;
    final int classes;

    private TorchOracle(Path dir, int batch, int size, int classes) {
        this.dir = dir;
        this.batch = batch;
        this.size = size;
        this.classes = classes;
    }

    static TorchOracle generate(String model, Path dir, int classes, int size, int batch, String formats) {
        Python.require("the torchvision parity oracle", "torch", "torchvision");
        Python.copy(TIMM_LAYOUT, dir);
        Python.script(SCRIPT, dir, 600, "--model", model, "--out", dir.toString(), "--classes",
                String.valueOf(classes), "--size", String.valueOf(size), "--batch", String.valueOf(batch),
                "--formats", formats);
        return new TorchOracle(dir, batch, size, classes);
    }

    Path file(String name) {
        Path p = dir.resolve(name);
        assertTrue(Files.isRegularFile(p), "the oracle wrote " + p);
        return p;
    }

    INDArray input() {
        return Nd4j.create(floats("input.bin"), new long[] {batch, 3, size, size}, 'c');
    }

    INDArray logits(String name) {
        return Nd4j.create(floats(name), new long[] {batch, classes}, 'c');
    }

    private float[] floats(String name) {
        try {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file(name))).order(ByteOrder.LITTLE_ENDIAN);
            float[] v = new float[b.remaining() / 4];
            b.asFloatBuffer().get(v);
            return v;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
