package io.resnetspark.testing;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs {@code resnet-spark} in a JVM of its own, as a driver process a test can kill: the same java,
 * classpath and JVM flags as the test JVM (Spark's Java 17 flags, the natives cache, DL4J helpers).
 */
public final class ChildJvm {
    private ChildJvm() {
    }

    /** Starts {@code io.resnetspark.cli.Main args}; stdout and stderr go to {@code log}. */
    public static Process start(Path log, List<String> args) throws IOException {
        return start(log, List.of(), args);
    }

    /** The same with more JVM flags (after the test JVM's, so they win). */
    public static Process start(Path log, List<String> jvmFlags, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        for (String flag : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            // the test JVM's own agents and debug ports are not for the child
            if (!flag.startsWith("-javaagent") && !flag.startsWith("-agentlib")) {
                cmd.add(flag);
            }
        }
        cmd.addAll(jvmFlags);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("io.resnetspark.cli.Main");
        cmd.addAll(args);
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
