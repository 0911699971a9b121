package io.resnetspark.common;

import java.util.function.LongFunction;
import java.util.function.LongSupplier;

/**
 * The one way long work reports progress: a daemon thread reads a count (an accumulator, a listener's
 * tally, the executors' live counts) every second and feeds a {@link Progress} line, which decides how
 * often to print. Nothing is printed before the first unit is done (a rate of 0 says nothing) and
 * nothing after {@link #close}; {@link #finish} prints the final line.
 */
public final class ProgressPoller implements AutoCloseable {
    private final Progress progress;
    private final LongSupplier done;
    private final long total;
    private final Thread thread;
    private volatile boolean closed;

    /** @param note what to add to a line for a count (img/s, say); null = nothing */
    public ProgressPoller(Progress progress, long total, LongSupplier done, LongFunction<String> note) {
        this.progress = progress;
        this.done = done;
        this.total = total;
        thread = new Thread(() -> {
            long last = 0;
            while (!closed) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
                long n = Math.min(done.getAsLong(), total);
                if (n != last && n > 0 && n < total && !closed) {
                    last = n;
                    progress.update(n, note == null ? null : note.apply(n));
                }
            }
        }, "progress");
        thread.setDaemon(true);
        thread.start();
    }

    /** Stops polling and prints the line of the finished work. */
    public void finish(String note) {
        close();
        progress.update(total, note);
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
