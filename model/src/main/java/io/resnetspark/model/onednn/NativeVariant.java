package io.resnetspark.model.onednn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Which build of ND4J's natives (libnd4j) this JVM should load. Both oneDNN builds ship; JavaCPP's
 * loader takes the one named by {@value #PROPERTY} and, without it, tries the classifiers in reverse
 * order of Nd4jCpu's {@code @Platform(extension=...)} list, which puts {@code -onednn-avx2} first
 * whatever the CPU. So the choice has to be made on the command line of the JVM: {@code deploy/lib.sh}
 * does it for the JVMs it starts (the same rule as {@link #extensionFor}), spark-defaults for executors.
 * The convolutions and batch norms do not depend on it: oneDNN picks its kernels from CPUID at run time.
 */
public final class NativeVariant {
    public static final String PROPERTY = "org.bytedeco.javacpp.platform.extension";
    static final String AVX512 = "-onednn-avx512";
    static final String AVX2 = "-onednn-avx2";
    /** What libnd4j's AVX-512 build is compiled for (-march=skylake-avx512): all of these or none. */
    private static final Set<String> AVX512_FLAGS = Set.of("avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl");

    private NativeVariant() {
    }

    /** The extension for this CPU: the AVX-512 build where it can run, else the AVX2 one. */
    public static String forThisCpu() {
        return extensionFor(cpuFlags());
    }

    static String extensionFor(Set<String> flags) {
        return flags.containsAll(AVX512_FLAGS) ? AVX512 : AVX2;
    }

    /** The CPU's feature flags as /proc/cpuinfo lists them (empty where there is none). */
    public static Set<String> cpuFlags() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
            for (String line : lines) {
                if (line.startsWith("flags")) {
                    return Set.of(line.substring(line.indexOf(':') + 1).trim().split("\\s+"));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: the AVX2 build, as JavaCPP would pick
        }
        return Set.of();
    }
}
