package io.resnetspark.model;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runs torch_oracle.py (a test resource) with the system's python3-torch and reads back what it wrote.
 * A missing interpreter or torch fails the calling test with the install command: CI installs the
 * packages, so a skip here would only hide a broken set-up.
 */
final class TorchOracle {
    /** Debian's interpreter, where python3-torch and python3-torchvision install; RESNET_SPARK_PYTHON overrides it. */
    static final String PYTHON = System.getenv().getOrDefault("RESNET_SPARK_PYTHON", "/usr/bin/python3");
    private static final String SCRIPT = "torch_oracle.py";
    /** The SE and Res2Net modules the script imports, shared with the weight importer's oracle. */
    private static final String TIMM_LAYOUT = "oracle/timm_layout.py";

    private TorchOracle() {
    }

    /** The tensors the script writes for {@code oracleCase}, by name, as float arrays in their torch shapes. */
    static Map<String, INDArray> run(String oracleCase, Path workDir) throws IOException, InterruptedException {
        return run(PYTHON, oracleCase, workDir);
    }

    private static void copyResource(String resource, Path to) throws IOException {
        try (InputStream in = TorchOracle.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the test resources");
            }
            Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static Map<String, INDArray> run(String python, String oracleCase, Path workDir)
            throws IOException, InterruptedException {
        Path script = workDir.resolve(SCRIPT);
        copyResource(SCRIPT, script);
        copyResource("/" + TIMM_LAYOUT, workDir.resolve(Path.of(TIMM_LAYOUT).getFileName()));
        Path out = Files.createDirectories(workDir.resolve(oracleCase));
        Path log = workDir.resolve(oracleCase + ".log");
        Process p;
        try {
            p = new ProcessBuilder(python, script.toString(), out.toString(), oracleCase)
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new AssertionError("cannot start " + python + " for the PyTorch reference (" + e.getMessage()
                    + "); install it with: apt-get install python3 python3-torch python3-torchvision", e);
        }
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError(SCRIPT + " " + oracleCase + " did not finish in 5 minutes");
        }
        if (p.exitValue() != 0) {
            String output = Files.readString(log);
            String hint = output.contains("No module named 'torch")
                    ? "python3-torch / python3-torchvision are not installed for " + python
                    + "; install them with: apt-get install python3-torch python3-torchvision\n" : "";
            throw new AssertionError(hint + SCRIPT + " " + oracleCase + " failed with exit code " + p.exitValue()
                    + ":\n" + output);
        }
        Map<String, List<Integer>> manifest = ModelStore.JSON.readValue(out.resolve("manifest.json").toFile(),
                new TypeReference<Map<String, List<Integer>>>() { });
        Map<String, INDArray> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, List<Integer>> e : manifest.entrySet()) {
            long[] shape = e.getValue().stream().mapToLong(Integer::longValue).toArray();
            ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(out.resolve(e.getKey() + ".bin")))
                    .order(ByteOrder.LITTLE_ENDIAN);
            float[] values = new float[bytes.remaining() / Float.BYTES];
            bytes.asFloatBuffer().get(values);
            tensors.put(e.getKey(), shape.length == 0 ? Nd4j.scalar(values[0]) : Nd4j.create(values, shape, 'c'));
        }
        return tensors;
    }
}
