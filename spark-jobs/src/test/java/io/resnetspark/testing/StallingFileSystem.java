package io.resnetspark.testing;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * The local disk under the scheme {@code stall://}, on which opening a file whose name contains the system property
 * {@code resnetspark.stall} blocks, as a read from a hung mount or a wedged object store does: the executor's task
 * neither progresses nor dies. It gives up after a minute (or when interrupted), so no test JVM waits forever.
 * Set {@code hadoop."fs.stall.impl"} to this class to use it.
 */
public class StallingFileSystem extends RawLocalFileSystem {
    public static final String PROPERTY = "resnetspark.stall";

    @Override
    public URI getUri() {
        return URI.create("stall:///");
    }

    @Override
    public String getScheme() {
        return "stall";
    }

    @Override
    public FSDataInputStream open(Path f, int bufferSize) throws IOException {
        String stall = System.getProperty(PROPERTY, "");
        if (!stall.isEmpty() && f.getName().contains(stall)) {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("reading " + f + " was interrupted");
            }
            throw new IOException(f + " stalled for a minute");
        }
        return super.open(f, bufferSize);
    }
}
