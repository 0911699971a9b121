package io.resnetspark.testing;

import com.amazonaws.auth.AWSStaticCredentialsProvider;
import com.amazonaws.auth.BasicAWSCredentials;
import com.amazonaws.client.builder.AwsClientBuilder;
import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.AmazonS3ClientBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.gaul.s3proxy.junit.S3ProxyJunitCore;

/**
 * A real S3 server on loopback for tests: S3Proxy in-process with its transient (in-memory) store on
 * a free port. Tests talk to it through Hadoop S3A exactly as users talk to S3 or MinIO.
 */
public final class S3Server implements AutoCloseable {
    public static final String ACCESS_KEY = "test-access-key-7f3a";
    public static final String SECRET_KEY = "test-secret-key-91c4e2d8b6";

    private final S3ProxyJunitCore core;
    private final AmazonS3 client;

    public S3Server() throws Exception {
        core = new S3ProxyJunitCore.Builder().withCredentials(ACCESS_KEY, SECRET_KEY).build();
        core.beforeEach();
        client = AmazonS3ClientBuilder.standard()
                .withEndpointConfiguration(new AwsClientBuilder.EndpointConfiguration(endpoint(), "us-east-1"))
                .withPathStyleAccessEnabled(true)
                .withCredentials(new AWSStaticCredentialsProvider(new BasicAWSCredentials(ACCESS_KEY, SECRET_KEY)))
                .build();
    }

    /** "http://127.0.0.1:PORT" */
    public String endpoint() {
        String uri = core.getUri().toString();
        return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
    }

    /** Creates a bucket and returns its s3a:// URI. */
    public String bucket(String name) {
        client.createBucket(name);
        return "s3a://" + name;
    }

    public AmazonS3 client() {
        return client;
    }

    /** The Hadoop settings that reach this server (keys included: tests only). */
    public Map<String, String> hadoopSettings() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("fs.s3a.endpoint", endpoint());
        h.put("fs.s3a.path.style.access", "true");
        h.put("fs.s3a.connection.ssl.enabled", "false");
        h.put("fs.s3a.access.key", ACCESS_KEY);
        h.put("fs.s3a.secret.key", SECRET_KEY);
        h.put("fs.s3a.directory.marker.retention", "keep");
        h.put("fs.s3a.attempts.maximum", "3");
        h.put("fs.s3a.retry.limit", "3");
        return h;
    }

    public Configuration hadoop() {
        Configuration c = new Configuration();
        hadoopSettings().forEach(c::set);
        return c;
    }

    /** The same settings as command-line overrides for {@code resnet-spark}. */
    public List<String> cliSets() {
        List<String> sets = new ArrayList<>();
        sets.add("s3.endpoint=" + endpoint());
        sets.add("s3.path-style-access=true");
        hadoopSettings().forEach((k, v) -> sets.add("hadoop.\"" + k + "\"=" + v));
        return sets;
    }

    @Override
    public void close() {
        client.shutdown();
        core.afterEach();
    }
}
