package io.resnetspark.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the Python scripts of src/test/resources/python under Debian's interpreter, which has the packages
 * deploy/setup-test-deps installs (python3-pil, python3-torchvision, python3-onnx). A failing script fails the test with its
 * output: a test that skipped when Python is missing would pass a broken decoder.
 *
 * <p>The interpreter is {@code -Dresnetspark.python}, else {@code $RESNETSPARK_PYTHON}, else /usr/bin/python3:
 * a python3 earlier on the PATH (pyenv, a virtualenv) usually lacks Debian's packages.
 */
public final class Python {
    private Python() {
    }

    public static String interpreter() {
        String p = System.getProperty("resnetspark.python", System.getenv("RESNETSPARK_PYTHON"));
        if (p != null && !p.isBlank()) {
            return p;
        }
        return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    }

    /** Runs {@code python/<name>} from the test resources in {@code workDir}; returns its output. */
    public static String script(String name, Path workDir, String... args) {
        Path file = workDir.resolve(name);
        try (InputStream in = Python.class.getResourceAsStream("/python/" + name)) {
            if (in == null) {
                fail("test resource python/" + name + " is missing");
            }
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            fail("could not copy python/" + name + ": " + e);
        }
        List<String> cmd = new ArrayList<>(List.of(file.toString()));
        cmd.addAll(List.of(args));
        return run(workDir, cmd);
    }

    /** Runs the interpreter with {@code args} in {@code workDir}; returns its output, fails the test when it fails. */
    public static String run(Path workDir, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(interpreter()));
        cmd.addAll(args);
        try {
            Process p = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(600, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(String.join(" ", cmd) + " did not finish in 600 s");
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                fail(String.join(" ", cmd) + " failed (exit " + p.exitValue() + "; deploy/setup-test-deps installs"
                        + " what it needs): " + text);
            }
            return text;
        } catch (IOException e) {
            fail("could not run " + interpreter() + " (deploy/setup-test-deps installs Debian's python3): " + e);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted");
            return null;
        }
    }
}
