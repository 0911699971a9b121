package io.resnetspark.spark;

import io.resnetspark.config.JobConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * Starts Spark the same way for every stage: the master from spark-submit when it set one, else from
 * the config (local mode by default); Kryo with ND4J's registrator; S3A settings from the config.
 */
public final class SparkSetup {
    private SparkSetup() {
    }

    public static SparkSession start(JobConfig c, String stage) {
        SparkConf conf = new SparkConf();
        if (!conf.contains("spark.master")) {
            conf.setMaster(c.getString("spark.master"));
        }
        conf.setIfMissing("spark.app.name", c.getString("spark.app-name") + " " + stage);
        conf.setIfMissing("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
        conf.setIfMissing("spark.kryo.registrator", "org.nd4j.kryo.Nd4jRegistrator");
        conf.setIfMissing("spark.ui.showConsoleProgress", "false");
        for (Map.Entry<String, String> e : c.getMap("spark.conf").entrySet()) {
            conf.set(e.getKey(), e.getValue());
        }
        for (Map.Entry<String, String> e : hadoopSettings(c).entrySet()) {
            conf.setIfMissing("spark.hadoop." + e.getKey(), e.getValue());
        }
        return SparkSession.builder().config(conf).getOrCreate();
    }

    public static JavaSparkContext context(SparkSession session) {
        return JavaSparkContext.fromSparkContext(session.sparkContext());
    }

    /** A Hadoop configuration for work outside Spark (the driver-only commands, tests). */
    public static Configuration hadoop(JobConfig c) {
        Configuration h = new Configuration();
        hadoopSettings(c).forEach(h::set);
        return h;
    }

    /**
     * The Hadoop settings executors need to reach the same file systems as the driver: spark.hadoop.*
     * from spark-submit or spark-defaults, then the config's S3A and hadoop.* keys.
     */
    public static Map<String, String> executorHadoopSettings(SparkSession spark, JobConfig c) {
        Map<String, String> h = new LinkedHashMap<>();
        for (scala.Tuple2<String, String> e : spark.sparkContext().getConf().getAll()) {
            if (e._1().startsWith("spark.hadoop.")) {
                h.put(e._1().substring("spark.hadoop.".length()), e._2());
            }
        }
        h.putAll(hadoopSettings(c));
        return h;
    }

    /** S3A and user Hadoop settings from the config. */
    public static Map<String, String> hadoopSettings(JobConfig c) {
        Map<String, String> h = new LinkedHashMap<>();
        String endpoint = c.getString("s3.endpoint").trim();
        if (!endpoint.isEmpty()) {
            h.put("fs.s3a.endpoint", endpoint);
            h.put("fs.s3a.connection.ssl.enabled", Boolean.toString(endpoint.startsWith("https:")));
        }
        h.put("fs.s3a.path.style.access", Boolean.toString(c.getBoolean("s3.path-style-access")));
        // every small write otherwise pays for deleting fake parent directories (about 10 s on S3Proxy)
        h.put("fs.s3a.directory.marker.retention", "keep");
        int attempts = c.getInt("s3.attempts", 1, 100);
        h.put("fs.s3a.attempts.maximum", Integer.toString(attempts));
        h.put("fs.s3a.retry.limit", Integer.toString(attempts));
        h.put("fs.s3a.retry.throttle.limit", Integer.toString(attempts));
        h.put("fs.s3a.retry.interval", c.getDuration("s3.retry-interval").toMillis() + "ms");
        long timeout = c.getDuration("s3.connection-timeout").toMillis();
        h.put("fs.s3a.connection.establish.timeout", Long.toString(timeout));
        h.put("fs.s3a.connection.timeout", Long.toString(timeout));
        h.putAll(c.getMap("hadoop"));
        return h;
    }
}
