package io.resnetspark.train.remote;

import io.resnetspark.data.format.BatchChecksums;
import io.resnetspark.data.format.BatchTransform;
import io.resnetspark.data.format.MixedBatch;
import io.resnetspark.data.remote.GroupMixer;
import io.resnetspark.model.OneDnn;
import io.resnetspark.spark.GpuBinding;
import io.resnetspark.storage.RemoteStorage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.zip.CRC32C;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.LongAccumulator;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One epoch of the all-reduce master on one worker, run as a task of a Spark barrier stage (all workers
 * start together, or none does). The workers meet through the barrier's allGather, form a {@link Ring},
 * load the epoch's starting model from a broadcast and fit their share of the epoch's minibatches with
 * DL4J, every step's gradient averaged over all workers ({@link AllReduceListener}). If any worker fails,
 * Spark reruns the whole stage from the same broadcast, so an epoch is all or nothing.
 */
public final class AllReduceEpoch
        extends scala.runtime.AbstractFunction1<scala.collection.Iterator<Integer>, scala.collection.Iterator<EpochResult>>
        implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    /** What every worker of the epoch needs besides its rank. */
    public record Settings(int groupSize, long seed, BatchTransform transform, BatchTransform eval, int prefetch,
                           int portFrom, int portTo, int timeoutMs, boolean gpuBinding)
            implements java.io.Serializable {
    }

    /** Images of the probe: the first file of the epoch's order, which every worker scores after training. */
    public static final int PROBE_IMAGES = 8;

    private final Broadcast<byte[]> model;
    private final Broadcast<String[]> order;
    private final Broadcast<BatchChecksums> checks;
    private final Settings s;
    private final RemoteStorage remote;
    private final LongAccumulator steps;

    /**
     * @param model the starting network with its updater, as {@code ModelSerializer} writes it
     * @param order the epoch's train files in their shuffled order
     * @param checks the files' checksums
     * @param steps counts the steps of rank 0, for progress
     */
    public AllReduceEpoch(Broadcast<byte[]> model, Broadcast<String[]> order, Broadcast<BatchChecksums> checks,
                          Settings s, RemoteStorage remote, LongAccumulator steps) {
        this.model = model;
        this.order = order;
        this.checks = checks;
        this.s = s;
        this.remote = remote;
        this.steps = steps;
    }

    @Override
    public scala.collection.Iterator<EpochResult> apply(scala.collection.Iterator<Integer> ignored) {
        try {
            return scala.collection.JavaConverters.asScalaIteratorConverter(run()).asScala();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Iterator<EpochResult> run() throws IOException {
        long t0 = System.nanoTime();
        BarrierTaskContext ctx = BarrierTaskContext.get();
        int rank = ctx.partitionId();
        int workers = ctx.getTaskInfos().length;
        if (s.gpuBinding()) {
            GpuBinding.bindTaskThread();
        }
        try (ServerSocket server = listen()) {
            String host = SparkEnv.get().blockManager().blockManagerId().host();
            String[] addresses = ctx.allGather(host + ":" + server.getLocalPort());
            try (Ring ring = Ring.join(rank, addresses, server, s.timeoutMs(), ctx::isInterrupted)) {
                return List.of(train(ring, rank, workers, t0)).iterator();
            }
        }
    }

    private EpochResult train(Ring ring, int rank, int workers, long t0) throws IOException {
        OneDnn.enable();
        TaskThreads.apply();
        ComputationGraph graph = OneDnn.install(
                ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(model.value()), true));
        AllReduceListener sync = AllReduceListener.install(graph, ring);
        List<MixedBatch> mine = MixedBatch.forWorker(Arrays.asList(order.value()), workers, rank, s.groupSize());
        GroupMixer mixer = new GroupMixer(remote.storage(), checks.value(), s.seed());
        Prefetcher.Batch last = null;
        int done = 0;
        try (Prefetcher data = new Prefetcher(mine, mixer, s.transform(), s.seed(), s.prefetch())) {
            while (data.hasNext()) {
                // Spark cancels the tasks of a failed barrier stage by flag; stop before the next step
                TaskContext.get().killTaskIfInterrupted();
                Prefetcher.Batch b = data.next();
                // an empty slice (the last step's leftovers, fewer images than workers) still takes part in
                // the step, on a stand-in image whose gradient counts for nothing
                Prefetcher.Batch fit = b.n() > 0 ? b : last;
                if (fit == null) {
                    throw new IllegalStateException("worker " + rank + " has no image to take part in the first step");
                }
                sync.weight(b.n());
                graph.fit(dataSet(fit));
                last = fit;
                done++;
                if (rank == 0) {
                    steps.add(1);
                }
            }
        }
        EpochResult r = new EpochResult();
        r.rank = rank;
        r.steps = done;
        r.images = sync.images();
        r.lossSum = sync.lossSum();
        float[] params = graph.params().reshape(graph.params().length()).toFloatVector();
        r.paramsDigest = digest(params);
        if (rank == 0) {
            r.params = params;
            INDArray state = graph.getUpdater().getStateViewArray();
            r.updaterState = state == null ? new float[0] : state.reshape(state.length()).toFloatVector();
        }
        r.probe = graph.outputSingle(false, probe(remote.storage(), checks.value(), order.value()[0], s.eval())).reshape(-1)
                .toFloatVector();
        r.seconds = (System.nanoTime() - t0) / 1e9;
        return r;
    }

    /** The probe input: the first images of {@code file}, normalized as for evaluation. */
    public static INDArray probe(io.resnetspark.storage.Storage storage, BatchChecksums checks, String file,
                                 BatchTransform eval) {
        io.resnetspark.data.format.Minibatch m = checks.read(storage, file);
        int n = Math.min(PROBE_IMAGES, m.n());
        byte[] px = Arrays.copyOf(m.pixels(), n * m.imageBytes());
        float[] x = eval.transform(px, n, m.channels(), m.height(), m.width(), new java.util.Random(0));
        return Nd4j.create(x, new long[] {n, m.channels(), m.height(), m.width()}, 'c');
    }

    private static DataSet dataSet(Prefetcher.Batch b) {
        INDArray x = Nd4j.create(b.features(), b.shape(), 'c');
        INDArray y = Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, b.n(), b.classes());
        for (int i = 0; i < b.n(); i++) {
            y.putScalar(i, b.labels()[i], 1.0f);
        }
        return new DataSet(x, y);
    }

    /** A server socket on a free port of the configured range (0 = any free port). */
    private ServerSocket listen() throws IOException {
        if (s.portFrom() == 0) {
            return new ServerSocket(0);
        }
        IOException last = null;
        for (int port = s.portFrom(); port <= s.portTo(); port++) {
            ServerSocket server = new ServerSocket();
            try {
                server.bind(new InetSocketAddress(port));
                return server;
            } catch (BindException e) {
                server.close();
                last = e;
            }
        }
        throw new IOException("no free TCP port in train.sharing.ports " + s.portFrom() + "-" + s.portTo()
                + " on this executor", last);
    }

    static long digest(float[] v) {
        CRC32C crc = new CRC32C();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1 << 16).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            if (b.remaining() < 4) {
                crc.update(b.flip());
                b.clear();
            }
            b.putFloat(f);
        }
        crc.update(b.flip());
        return crc.getValue();
    }
}
