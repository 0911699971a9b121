package io.resnetspark.spark;

import io.resnetspark.model.OneDnn;
import io.resnetspark.model.onednn.NativeVariant;
import java.io.File;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A real multi-JVM Spark cluster on one machine: Spark's {@code local-cluster[N,cores,MB]} master
 * starts a standalone Master and N Workers inside this JVM, and each Worker launches its executor in a
 * JVM of its own, so serialization, broadcasts and executor-to-executor networking are real (in
 * {@code local[*]} every "worker" shares the driver's JVM and none of that is exercised). Used by
 * {@code benchmark --what spark} and by the tests.
 *
 * <p>What it takes: Workers look for {@code $SPARK_HOME/jars} (and a Scala build marker) to build the
 * executor command line, so a nearly empty Spark home is made in a temp dir and exported as
 * SPARK_HOME of this JVM; executors get this JVM's classpath through {@code spark.executor.extraClassPath}
 * and the JVM flags Spark does not add itself (JavaCPP cache, DL4J helpers). Spark adds its Java 17
 * {@code --add-opens} flags to executors on its own.
 */
public final class LocalCluster {
    private LocalCluster() {
    }

    /** Spark settings (spark.* keys) for a cluster of {@code executors} JVMs with one core and {@code memoryMb} each. */
    public static Map<String, String> settings(int executors, int memoryMb) {
        ensureSparkHome();
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("spark.master", "local-cluster[" + executors + ",1," + memoryMb + "]");
        conf.put("spark.executor.memory", memoryMb + "m");
        conf.put("spark.executor.extraClassPath", System.getProperty("java.class.path"));
        conf.put("spark.executor.extraJavaOptions", executorJvmFlags());
        conf.put("spark.driver.host", "127.0.0.1");
        conf.put("spark.driver.bindAddress", "127.0.0.1");
        conf.put("spark.ui.enabled", "false");
        return conf;
    }

    /**
     * Flags of this JVM that executors need too (natives cache, DL4J helpers, which ND4J native build and
     * which conv/BN helpers), so that executors run the configuration the driver was started with.
     */
    public static String executorJvmFlags() {
        StringBuilder sb = new StringBuilder();
        for (String p : List.of("org.bytedeco.javacpp.cachedir", "org.eclipse.deeplearning4j.helpers.disable",
                NativeVariant.PROPERTY, OneDnn.HELPERS)) {
            String v = System.getProperty(p);
            if (v != null) {
                sb.append(" -D").append(p).append('=').append(v);
            }
        }
        return sb.toString().trim();
    }

    private static synchronized void ensureSparkHome() {
        String home = System.getenv("SPARK_HOME");
        if (home != null && new File(home, "jars").isDirectory()) {
            return;
        }
        try {
            Path dir = Files.createTempDirectory("resnet-spark-home");
            Files.createDirectories(dir.resolve("jars"));
            Files.createDirectories(dir.resolve("launcher/target/scala-2.12"));
            setEnv("SPARK_HOME", dir.toString());
            setEnv("SPARK_SCALA_VERSION", "2.12");
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a Spark home for local-cluster", e);
        }
    }

    /**
     * Sets an environment variable of this JVM (and of the processes it starts). Spark's Worker reads
     * SPARK_HOME from the environment only, so it is set here, through the map behind
     * {@link System#getenv()} (java.util is opened to unnamed modules by Spark's Java 17 flags).
     */
    @SuppressWarnings("unchecked")
    static void setEnv(String name, String value) {
        try {
            Map<String, String> env = System.getenv();
            Field m = env.getClass().getDeclaredField("m");
            m.setAccessible(true);
            ((Map<String, String>) m.get(env)).put(name, value);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot set " + name + " for a local-cluster master; export " + name
                    + " (a directory with an empty jars/ folder will do) before starting", e);
        }
    }
}
