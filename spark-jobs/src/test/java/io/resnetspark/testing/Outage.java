package io.resnetspark.testing;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Takes an {@link S3Server} down the moment a condition becomes true (typically: a stage's first
 * object has landed, so the stage is mid-way), and brings it back after a while or when told to.
 * Runs on its own thread so the stage under test runs undisturbed on the test thread.
 */
public final class Outage implements AutoCloseable {
    private final S3Server server;
    private final CountDownLatch down = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final Thread thread;
    private volatile Exception failure;

    private Outage(S3Server server, BooleanSupplier when, long downMillis) {
        this.server = server;
        this.thread = new Thread(() -> {
            try {
                while (!when.getAsBoolean()) {
                    if (Thread.interrupted()) {
                        return;
                    }
                    Thread.sleep(5);
                }
                server.stop();
                down.countDown();
                if (downMillis >= 0) {
                    release.await(downMillis, TimeUnit.MILLISECONDS);
                } else {
                    release.await();
                }
                server.start();
            } catch (InterruptedException e) {
                // closed before the condition held: nothing to bring back
            } catch (Exception e) {
                failure = e;
            }
        }, "s3-outage");
        thread.setDaemon(true);
        thread.start();
    }

    /** Stops the server when {@code when} holds and restarts it {@code downMillis} later. */
    public static Outage of(S3Server server, BooleanSupplier when, long downMillis) {
        return new Outage(server, when, downMillis);
    }

    /** Stops the server when {@code when} holds and keeps it down until {@link #end()}. */
    public static Outage untilEnded(S3Server server, BooleanSupplier when) {
        return new Outage(server, when, -1);
    }

    /** Whether the server went down. */
    public boolean happened() {
        return down.getCount() == 0;
    }

    /** Brings the server back now (if it is down) and waits until it serves again. */
    public void end() throws Exception {
        release.countDown();
        if (happened()) {
            thread.join(60_000);
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public void close() throws Exception {
        thread.interrupt();
        thread.join(60_000);
        if (!server.running()) {
            server.start();
        }
    }
}
