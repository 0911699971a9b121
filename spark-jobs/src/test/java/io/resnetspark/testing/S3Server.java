package io.resnetspark.testing;

import com.amazonaws.auth.AWSStaticCredentialsProvider;
import com.amazonaws.auth.BasicAWSCredentials;
import com.amazonaws.client.builder.AwsClientBuilder;
import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.AmazonS3ClientBuilder;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;

/**
 * A real S3 server on loopback for tests: S3Proxy in-process, storing objects in a temporary directory
 * (its filesystem store), on a free port. Tests talk to it through Hadoop S3A exactly as users talk to
 * S3 or MinIO. {@link #stop()} and {@link #start()} take it down and bring it back on the same port with
 * the same objects, as an S3 endpoint that goes away for a while does.
 */
public final class S3Server implements AutoCloseable {
    public static final String ACCESS_KEY = "test-access-key-7f3a";
    public static final String SECRET_KEY = "test-secret-key-91c4e2d8b6";

    private final Path store;
    private final BlobStore blobs;
    private S3Proxy proxy;
    private int port;

    private final AmazonS3 client;

    public S3Server() throws Exception {
        store = Files.createTempDirectory("resnet-spark-s3");
        Properties p = new Properties();
        p.setProperty("jclouds.filesystem.basedir", store.toString());
        p.setProperty("jclouds.identity", ACCESS_KEY);
        p.setProperty("jclouds.credential", SECRET_KEY);
        blobs = BlobStores.create("filesystem", p);
        start();
        client = AmazonS3ClientBuilder.standard()
                .withEndpointConfiguration(new AwsClientBuilder.EndpointConfiguration(endpoint(), "us-east-1"))
                .withPathStyleAccessEnabled(true)
                .withCredentials(new AWSStaticCredentialsProvider(new BasicAWSCredentials(ACCESS_KEY, SECRET_KEY)))
                .build();
    }

    /** "http://127.0.0.1:PORT" */
    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /** Starts serving (again): on a free port the first time, afterwards on the same port, with the same objects. */
    public synchronized void start() throws Exception {
        if (proxy != null) {
            return;
        }
        S3Proxy p = S3Proxy.builder().blobStore(blobs)
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .stopTimeout(0).endpoint(URI.create("http://127.0.0.1:" + port)).build();
        p.start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!"STARTED".equals(p.getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("S3Proxy did not start: " + p.getState());
            }
            Thread.sleep(10);
        }
        port = p.getPort();
        proxy = p;
    }

    /** Stops serving: connections are refused until {@link #start()}; the objects stay. */
    public synchronized void stop() throws Exception {
        if (proxy != null) {
            proxy.stop();
            proxy = null;
        }
    }

    public synchronized boolean running() {
        return proxy != null;
    }

    /** Whether an object exists, looked up in the store directly (works while the server is stopped). */
    public boolean stored(String bucket, String key) {
        return Files.isRegularFile(store.resolve(bucket).resolve(key));
    }

    /** Where the store keeps an object's bytes on the local disk (to damage it as storage would). */
    public Path file(String bucket, String key) {
        return store.resolve(bucket).resolve(key);
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
        try {
            stop();
            blobs.close();
        } catch (Exception e) {
            throw new IllegalStateException("S3Proxy did not stop", e);
        }
        try (Stream<Path> walk = Files.walk(store)) {
            walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a temp directory left behind is not worth failing a test for
        }
    }
}
