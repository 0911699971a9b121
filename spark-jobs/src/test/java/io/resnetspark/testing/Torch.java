package io.resnetspark.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * PyTorch as the oracle of the weights tests, under Debian's interpreter (/usr/bin/python3 unless
 * {@code -Dresnetspark.python}): the model module's torchvision script writes a randomly initialised
 * network's checkpoints and logits, and this module's scripts under {@code oracle/} add what only the
 * application sees (torchvision's image transforms). A missing torch fails the test, never skips it.
 */
public final class Torch {
    /** The model module's oracle, read from the source tree the tests run in: one script, not two copies. */
    private static final Path RESNET_SCRIPT = Path.of("..", "model", "src", "test", "resources", "oracle",
            "torchvision_resnet.py");
    private static final String INSTALL = "apt-get install python3-torchvision python3-onnx";

    private Torch() {
    }

    public static String interpreter() {
        String p = System.getProperty("resnetspark.python", System.getenv("RESNETSPARK_PYTHON"));
        if (p != null && !p.isBlank()) {
            return p;
        }
        return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    }

    /**
     * A torchvision {@code model} with random weights and batch-norm statistics, saved in {@code formats}
     * (pth, safetensors, whole, nested) under {@code dir} with input.bin and logits.bin for a batch of
     * {@code batch} images of {@code size} px.
     */
    public static Path resnet(String model, Path dir, int classes, int size, int batch, String formats) {
        assertTrue(Files.isRegularFile(RESNET_SCRIPT), "the torchvision oracle " + RESNET_SCRIPT.toAbsolutePath());
        run(dir, List.of(RESNET_SCRIPT.toAbsolutePath().toString(), "--model", model, "--out", dir.toString(),
                "--classes", String.valueOf(classes), "--size", String.valueOf(size), "--batch", String.valueOf(batch),
                "--formats", formats));
        return dir;
    }

    /** Runs a script of this module's test resources ({@code oracle/NAME}) with arguments. */
    public static String script(String name, Path dir, String... args) {
        Path file = dir.resolve(name);
        try (InputStream in = Torch.class.getResourceAsStream("/oracle/" + name)) {
            if (in == null) {
                fail("test resource oracle/" + name + " is missing");
            }
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> cmd = new ArrayList<>(List.of(file.toString()));
        cmd.addAll(List.of(args));
        return run(dir, cmd);
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

    private static String run(Path dir, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(interpreter()));
        cmd.addAll(args);
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(600, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(String.join(" ", cmd) + " did not finish in 600 s");
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                fail(String.join(" ", cmd) + " failed (exit " + p.exitValue() + "; is torchvision installed? Debian: "
                        + INSTALL + "): " + text);
            }
            return text;
        } catch (IOException e) {
            fail("could not start " + interpreter() + " (Debian: " + INSTALL + "): " + e.getMessage());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted");
            return null;
        }
    }
}
