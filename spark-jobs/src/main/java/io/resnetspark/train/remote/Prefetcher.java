package io.resnetspark.train.remote;

import io.resnetspark.data.format.BatchTransform;
import io.resnetspark.data.format.Minibatch;
import io.resnetspark.data.format.MixedBatch;
import io.resnetspark.data.remote.GroupMixer;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads, mixes, augments and normalizes a worker's minibatches on a thread of its own, {@code ahead} of the
 * step that trains on them, so the data never holds training up. It makes plain float arrays only: the
 * arrays ND4J uses are created on the training thread (the one bound to the task's device).
 */
final class Prefetcher implements Iterator<Prefetcher.Batch>, AutoCloseable {
    /** One minibatch, ready to become a DataSet: NCHW features and labels. */
    record Batch(float[] features, long[] shape, int[] labels, int classes) {
        int n() {
            return labels.length;
        }
    }

    private static final Batch END = new Batch(new float[0], new long[0], new int[0], 0);

    private final BlockingQueue<Object> queue;
    private final Thread thread;
    private final int total;
    private int taken;

    Prefetcher(List<MixedBatch> batches, GroupMixer mixer, BatchTransform transform, long seed, int ahead) {
        this.total = batches.size();
        this.queue = new ArrayBlockingQueue<>(Math.max(1, ahead));
        this.thread = new Thread(() -> {
            try {
                for (MixedBatch b : batches) {
                    Minibatch m = mixer.load(b);
                    Random r = new Random(seed * 31 + b.group() * 1_009L + b.slice());
                    float[] x = transform.transform(m.pixels(), m.n(), m.channels(), m.height(), m.width(), r);
                    queue.put(new Batch(x, new long[] {m.n(), m.channels(), m.height(), m.width()}, m.labels(),
                            m.classes()));
                }
                queue.put(END);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException | RuntimeException e) {
                queue.clear();
                queue.offer(e);
            }
        }, "minibatch-prefetch");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public boolean hasNext() {
        return taken < total;
    }

    @Override
    public Batch next() {
        Object o;
        try {
            o = queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a minibatch", e);
        }
        if (o instanceof IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        if (o instanceof RuntimeException e) {
            throw e;
        }
        if (o == END) {
            throw new IllegalStateException("the prefetcher ended after " + taken + " of " + total + " minibatches");
        }
        taken++;
        return (Batch) o;
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
