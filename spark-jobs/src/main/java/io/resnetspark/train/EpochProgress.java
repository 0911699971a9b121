package io.resnetspark.train;

import io.resnetspark.cli.Progress;
import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A progress line inside one epoch ("epoch 3/20: 1,024/4,219 steps, 160 img/s, ETA ..."), printed from a
 * daemon thread every few seconds from the steps the workers counted ({@link LiveCount}), so a long epoch
 * is never silent. Nothing is printed before the first step is counted: a rate of 0 says nothing.
 */
final class EpochProgress implements AutoCloseable {
    private final Thread thread;
    private volatile boolean done;

    private final LongSupplier count;

    /**
     * @param steps          training steps the epoch takes
     * @param imagesPerStep  images one step trains on, over all workers
     */
    EpochProgress(int epoch, int epochs, long steps, double imagesPerStep, LongSupplier count, PrintStream console) {
        this.count = count;
        Progress progress = new Progress(String.format(Locale.ROOT, "train epoch %d/%d", epoch, epochs), "steps",
                steps, console);
        long t0 = System.nanoTime();
        thread = new Thread(() -> {
            long last = -1;
            while (!done) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
                long n = Math.min(count.getAsLong(), steps);
                if (n != last && n > 0 && n < steps && !done) {
                    last = n;
                    double secs = (System.nanoTime() - t0) / 1e9;
                    progress.update(n, String.format(Locale.ROOT, "%.1f img/s", n * imagesPerStep / secs));
                }
            }
        }, "train-progress");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() {
        done = true;
        thread.interrupt();
    }
}
