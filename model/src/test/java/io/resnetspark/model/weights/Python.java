package io.resnetspark.model.weights;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the Python oracles under Debian's interpreter. The tests that use it fail, never skip, when the
 * modules are missing: a silently skipped parity test would pass a broken importer.
 *
 * <p>The interpreter is {@code -Dresnetspark.python}, else {@code $RESNETSPARK_PYTHON}, else
 * /usr/bin/python3: a python3 earlier on the PATH (pyenv, a virtualenv) usually lacks Debian's
 * python3-torch.
 */
public final class Python {
    public static final String INSTALL = "apt-get install python3-torchvision python3-onnx";

    private Python() {
    }

    public static String interpreter() {
        String p = System.getProperty("resnetspark.python", System.getenv("RESNETSPARK_PYTHON"));
        if (p != null && !p.isBlank()) {
            return p;
        }
        return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    }

    /** Fails the calling test with the install command unless every module imports. */
    public static void require(String purpose, String... modules) {
        String imports = "import " + String.join(", ", modules);
        Result r = run(List.of("-c", imports), Path.of(System.getProperty("java.io.tmpdir")), 120);
        if (r.exit != 0) {
            fail(purpose + " needs the Python modules " + String.join(", ", modules) + " (Debian: " + INSTALL + "), but "
                    + interpreter() + " could not import them: " + lastLine(r.output));
        }
    }

    /** Runs a script from the test resources with arguments; fails the test with its output if it fails. */
    public static String script(String resource, Path workDir, long timeoutSeconds, String... args) {
        Path file = copy(resource, workDir);
        List<String> cmd = new ArrayList<>(List.of(file.toString()));
        cmd.addAll(List.of(args));
        Result r = run(cmd, workDir, timeoutSeconds);
        if (r.exit != 0) {
            fail(resource + " " + String.join(" ", args) + " failed (exit " + r.exit + "): " + r.output);
        }
        return r.output;
    }

    /** Copies a test resource into {@code dir} under its own file name (a script, or a module it imports). */
    public static Path copy(String resource, Path dir) {
        Path file = dir.resolve(Path.of(resource).getFileName());
        try (InputStream in = Python.class.getResourceAsStream("/" + resource)) {
            if (in == null) {
                fail("test resource " + resource + " is missing");
            }
            Files.copy(in, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            fail("could not copy " + resource + ": " + e);
        }
        return file;
    }

    private record Result(int exit, String output) {
    }

    private static Result run(List<String> args, Path workDir, long timeoutSeconds) {
        List<String> cmd = new ArrayList<>(List.of(interpreter()));
        cmd.addAll(args);
        try {
            Process p = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out after " + timeoutSeconds + " s");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-1, "could not start " + interpreter() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }

    private static String lastLine(String s) {
        String[] lines = s.strip().split("\n");
        return lines[lines.length - 1];
    }
}
