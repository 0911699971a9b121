package io.resnetspark.bench;

import io.resnetspark.model.onednn.NativeVariant;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.factory.Nd4j;

/** What a measurement ran on, and how much memory the process holds (native ND4J memory included). */
public final class Machine {
    private Machine() {
    }

    public static Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("cpu", cpuModel());
        m.put("isa", isa());
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        m.put("nd4j_backend", Nd4j.getExecutioner().getEnvironmentInformation().getProperty("backend"));
        m.put("nd4j_threads", Nd4j.getEnvironment().maxMasterThreads());
        m.put("nd4j_native", nativeBuild());
        String malloc = System.getenv("MALLOC_MMAP_THRESHOLD_");
        m.put("malloc_tuned", malloc != null);
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        return m;
    }

    /** The widest x86 vector extension the CPU reports: what oneDNN and the ND4J native build can use. */
    static String isa() {
        Set<String> flags = NativeVariant.cpuFlags();
        if (flags.contains("avx512f")) {
            return flags.contains("avx512_bf16") ? "AVX-512 (bf16)" : "AVX-512";
        }
        return flags.contains("avx2") ? "AVX2" : flags.contains("avx") ? "AVX" : flags.isEmpty() ? "unknown" : "SSE";
    }

    /** The libnd4j build this JVM loaded (its JavaCPP directory, e.g. linux-x86_64-onednn-avx2). */
    static String nativeBuild() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
                int at = line.indexOf("/libnd4jcpu.so");
                if (at > 0) {
                    String dir = line.substring(0, at);
                    return dir.substring(dir.lastIndexOf('/') + 1);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return "unknown";
    }

    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through
        }
        return System.getProperty("os.arch");
    }

    /** Resident set size in MiB ({@code VmRSS}), or -1 where /proc is missing. */
    public static long rssMiB() {
        return procStatus("VmRSS:");
    }

    /** Peak resident set size in MiB ({@code VmHWM}). */
    public static long peakRssMiB() {
        return procStatus("VmHWM:");
    }

    private static long procStatus(String field) {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/self/status"));
            for (String l : lines) {
                if (l.startsWith(field)) {
                    return Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }
}
