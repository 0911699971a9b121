package io.resnetspark.train;

import io.resnetspark.cli.Progress;
import java.io.PrintStream;
import java.util.Locale;
import org.apache.spark.util.LongAccumulator;

/**
 * A progress line inside one epoch ("epoch 3/20: 1,024/4,219 minibatches, 160 img/s, ETA ..."), printed
 * from a daemon thread every few seconds from what {@link CountingLoader} counted, so a long epoch is
 * never silent.
 */
final class EpochProgress implements AutoCloseable {
    private final Thread thread;
    private volatile boolean done;

    EpochProgress(int epoch, int epochs, long minibatches, int batch, LongAccumulator loaded, PrintStream console) {
        Progress progress = new Progress(String.format(Locale.ROOT, "train epoch %d/%d", epoch, epochs), "minibatches",
                minibatches, console);
        long t0 = System.nanoTime();
        thread = new Thread(() -> {
            long last = -1;
            while (!done) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
                long n = Math.min(loaded.value(), minibatches);
                if (n != last && n < minibatches && !done) {
                    last = n;
                    double secs = (System.nanoTime() - t0) / 1e9;
                    progress.update(n, String.format(Locale.ROOT, "%.1f img/s", n * batch / secs));
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
