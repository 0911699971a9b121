package io.resnetspark.testing;

import io.resnetspark.spark.LocalCluster;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Spark masters for tests: a real multi-JVM {@code local-cluster} (see {@link LocalCluster}, shared with
 * {@code benchmark --what spark}) or local mode, as settings maps or CLI {@code --set} arguments.
 */
public final class SparkClusters {
    private SparkClusters() {
    }

    /** Spark settings (spark.* keys) for a cluster of {@code executors} JVMs with one core and {@code memoryMb} each. */
    public static Map<String, String> localCluster(int executors, int memoryMb) {
        return LocalCluster.settings(executors, memoryMb);
    }

    /** The same settings as {@code --set} arguments for the CLI ({@code spark.master} and {@code spark.conf."k"}). */
    public static List<String> cliSets(int executors, int memoryMb) {
        List<String> sets = new ArrayList<>();
        for (Map.Entry<String, String> e : localCluster(executors, memoryMb).entrySet()) {
            sets.add("--set");
            sets.add(e.getKey().equals("spark.master") ? "spark.master=" + e.getValue()
                    : "spark.conf.\"" + e.getKey() + "\"=" + e.getValue());
        }
        return sets;
    }

    /** Settings for Spark local mode with {@code threads} threads, in the same {@code --set} form. */
    public static List<String> localSets(int threads) {
        return List.of("--set", "spark.master=local[" + threads + "]",
                "--set", "spark.conf.\"spark.ui.enabled\"=false",
                "--set", "spark.conf.\"spark.driver.host\"=127.0.0.1");
    }

    /** Flags of this JVM that executors need too (natives cache, DL4J helpers). */
    static String executorJvmFlags() {
        return LocalCluster.executorJvmFlags();
    }
}
