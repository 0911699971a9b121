package io.resnetspark.spark;

import io.resnetspark.config.JobConfig;
import org.apache.spark.sql.SparkSession;

/**
 * The Spark session of one stage, started when first needed ({@link SparkSetup#start}). A stage stops the
 * session it started, so that a later stage in the same JVM does not inherit its master; a session that
 * was already running (a user's, when the stages run inside a Spark application through {@code ml}) is
 * left running.
 */
public final class StageSession implements AutoCloseable {
    private final JobConfig config;
    private final String stage;
    private SparkSession spark;
    private boolean ours;

    public StageSession(JobConfig config, String stage) {
        this.config = config;
        this.stage = stage;
    }

    public synchronized SparkSession get() {
        if (spark == null) {
            ours = !running(SparkSession.getActiveSession()) && !running(SparkSession.getDefaultSession());
            spark = SparkSetup.start(config, stage);
        }
        return spark;
    }

    /** Spark keeps a stopped session as the thread's active one: only a running one is someone else's. */
    private static boolean running(scala.Option<SparkSession> session) {
        return session.isDefined() && !session.get().sparkContext().isStopped();
    }

    @Override
    public synchronized void close() {
        if (spark != null && ours) {
            spark.stop();
        }
        spark = null;
    }
}
