package io.resnetspark.common;

import java.util.function.LongSupplier;

/**
 * Fires once when a count stops moving: a daemon thread reads it every second and, when it has not changed for
 * {@code timeoutMs}, runs the action (the caller cancels its work there) and remembers that it fired, so the
 * caller can tell a stall from any other failure of the work it cancelled. A timeout of 0 watches nothing.
 */
public final class Watchdog implements AutoCloseable {
    private final Thread thread;
    private volatile boolean fired;
    private volatile long stuckAt = -1;

    public Watchdog(String name, LongSupplier count, long timeoutMs, Runnable action) {
        thread = new Thread(() -> {
            long last = count.getAsLong();
            long since = System.nanoTime();
            while (true) {
                try {
                    Thread.sleep(Math.min(1000, Math.max(50, timeoutMs / 4)));
                } catch (InterruptedException e) {
                    return;
                }
                long now = count.getAsLong();
                if (now != last) {
                    last = now;
                    since = System.nanoTime();
                } else if ((System.nanoTime() - since) / 1_000_000 >= timeoutMs) {
                    stuckAt = now;
                    fired = true;
                    action.run();
                    return;
                }
            }
        }, "watchdog " + name);
        thread.setDaemon(true);
        if (timeoutMs > 0) {
            thread.start();
        }
    }

    /** Whether the count stalled and the action ran. */
    public boolean fired() {
        return fired;
    }

    /** The count the work was stuck at, when it {@link #fired}. */
    public long stuckAt() {
        return stuckAt;
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
