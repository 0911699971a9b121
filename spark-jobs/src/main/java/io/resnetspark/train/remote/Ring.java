package io.resnetspark.train.remote;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;

/**
 * A ring all-reduce over TCP among the tasks of one barrier stage: each task holds a socket to the next
 * rank and one from the previous, and {@link #sum} adds a float vector across all ranks in 2 (n - 1)
 * steps (reduce-scatter, then all-gather), each moving 1/n of the vector: the bandwidth of the best
 * all-reduce, whatever the number of ranks. Sends run on a thread of their own, so two neighbours
 * sending large chunks to each other cannot block on full socket buffers. A dead peer closes its
 * sockets (or stops answering for {@code timeoutMs}), which fails the call here too: Spark then reruns the
 * whole barrier stage. Every wait also ends when {@code stop} says so: Spark cancels the other tasks of a
 * failed barrier stage by flagging them, not by interrupting them, and their slots stay taken (and the
 * rerun waits) until they return.
 */
public final class Ring implements Closeable {
    private static final int HELLO = 0x52494E47; // "RING"
    /** How often a blocked wait looks at the stop flag. */
    private static final int TICK_MS = 500;

    private final int rank;
    private final int size;
    private final Socket next;
    private final Socket previous;
    private final DataOutputStream out;
    private final DataInputStream in;
    private final ExecutorService sender;
    private final BooleanSupplier stop;
    private final long timeoutMs;
    private byte[] sendBuf = new byte[0];
    private byte[] receiveBuf = new byte[0];

    private Ring(int rank, int size, Socket next, Socket previous, BooleanSupplier stop, long timeoutMs)
            throws IOException {
        this.rank = rank;
        this.size = size;
        this.stop = stop;
        this.timeoutMs = timeoutMs;
        this.next = next;
        this.previous = previous;
        this.out = next == null ? null : new DataOutputStream(new BufferedOutputStream(next.getOutputStream(), 1 << 16));
        this.in = previous == null ? null : new DataInputStream(new BufferedInputStream(previous.getInputStream(), 1 << 16));
        if (previous != null) {
            previous.setSoTimeout(TICK_MS);
        }
        this.sender = size == 1 ? null : Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "ring-send-" + rank);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Joins the ring: connects to rank + 1 and accepts rank - 1 on {@code server}, which every rank opened
     * before the addresses were exchanged.
     *
     * @param addresses "host:port" of every rank's server, in rank order
     * @param stop      true once the task is cancelled: every wait then ends with an exception
     */
    public static Ring join(int rank, String[] addresses, ServerSocket server, int timeoutMs, BooleanSupplier stop)
            throws IOException {
        int size = addresses.length;
        if (size == 1) {
            return new Ring(0, 1, null, null, stop, timeoutMs);
        }
        String[] hostPort = addresses[(rank + 1) % size].split(":");
        Socket next = new Socket();
        Socket previous = null;
        try {
            next.setTcpNoDelay(true);
            next.connect(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])), timeoutMs);
            DataOutputStream hello = new DataOutputStream(next.getOutputStream());
            hello.writeInt(HELLO);
            hello.writeInt(rank);
            hello.flush();
            server.setSoTimeout(TICK_MS);
            long deadline = System.currentTimeMillis() + timeoutMs;
            while (previous == null) {
                try {
                    previous = server.accept();
                } catch (SocketTimeoutException e) {
                    check(stop, deadline, rank, "rank " + Math.floorMod(rank - 1, size) + " to connect");
                }
            }
            previous.setTcpNoDelay(true);
            previous.setSoTimeout(timeoutMs);
            DataInputStream check = new DataInputStream(previous.getInputStream());
            int magic = check.readInt();
            int from = check.readInt();
            int expected = (rank - 1 + size) % size;
            if (magic != HELLO || from != expected) {
                throw new IOException("rank " + rank + " expected rank " + expected + " to connect, got "
                        + (magic == HELLO ? "rank " + from : "a connection that is not of this ring"));
            }
            return new Ring(rank, size, next, previous, stop, timeoutMs);
        } catch (IOException | RuntimeException e) {
            next.close();
            if (previous != null) {
                previous.close();
            }
            throw e;
        }
    }

    private static void check(BooleanSupplier stop, long deadline, int rank, String what) throws IOException {
        if (stop.getAsBoolean()) {
            throw new IOException("rank " + rank + " stopped waiting for " + what + ": the task was cancelled");
        }
        if (System.currentTimeMillis() > deadline) {
            throw new IOException("rank " + rank + " waited too long for " + what + " (train.sharing.timeout)");
        }
    }

    public int rank() {
        return rank;
    }

    public int size() {
        return size;
    }

    /** Replaces {@code v} on every rank by the element-wise sum of all ranks' {@code v}. */
    public void sum(float[] v) throws IOException {
        if (size == 1) {
            return;
        }
        int chunk = (v.length + size - 1) / size;
        ensure(chunk);
        // reduce-scatter: after step s, chunk (rank - s - 1) holds the sum over s + 2 ranks
        for (int s = 0; s < size - 1; s++) {
            int sendChunk = Math.floorMod(rank - s, size);
            int receiveChunk = Math.floorMod(rank - s - 1, size);
            exchange(v, sendChunk, receiveChunk, chunk, true);
        }
        // all-gather: pass the finished chunks around the ring
        for (int s = 0; s < size - 1; s++) {
            int sendChunk = Math.floorMod(rank + 1 - s, size);
            int receiveChunk = Math.floorMod(rank - s, size);
            exchange(v, sendChunk, receiveChunk, chunk, false);
        }
    }

    private void exchange(float[] v, int sendChunk, int receiveChunk, int chunk, boolean add) throws IOException {
        int sendFrom = Math.min(v.length, sendChunk * chunk);
        int sendLen = Math.min(v.length, sendFrom + chunk) - sendFrom;
        ByteBuffer.wrap(sendBuf, 0, sendLen * 4).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(v, sendFrom, sendLen);
        Future<?> sent = sender.submit(() -> {
            out.writeInt(sendLen);
            out.write(sendBuf, 0, sendLen * 4);
            out.flush();
            return null;
        });
        int receiveFrom = Math.min(v.length, receiveChunk * chunk);
        int receiveLen = Math.min(v.length, receiveFrom + chunk) - receiveFrom;
        long deadline = System.currentTimeMillis() + timeoutMs;
        String peer = "rank " + Math.floorMod(rank - 1, size) + " in the gradient all-reduce";
        readFully(receiveBuf, 4, deadline, peer);
        int len = ByteBuffer.wrap(receiveBuf, 0, 4).getInt();
        if (len != receiveLen) {
            throw new IOException("ring rank " + rank + " expected " + receiveLen + " values, got " + len);
        }
        readFully(receiveBuf, len * 4, deadline, peer);
        java.nio.FloatBuffer got = ByteBuffer.wrap(receiveBuf, 0, receiveLen * 4).order(ByteOrder.LITTLE_ENDIAN)
                .asFloatBuffer();
        if (add) {
            for (int i = 0; i < receiveLen; i++) {
                v[receiveFrom + i] += got.get(i);
            }
        } else {
            got.get(v, receiveFrom, receiveLen);
        }
        try {
            sent.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while sending to rank " + (rank + 1) % size, e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }

    /** Reads exactly {@code len} bytes into the start of {@code b}, looking at the stop flag while it waits. */
    private void readFully(byte[] b, int len, long deadline, String peer) throws IOException {
        int at = 0;
        while (at < len) {
            try {
                int n = in.read(b, at, len - at);
                if (n < 0) {
                    throw new IOException("rank " + rank + " lost its connection to " + peer);
                }
                at += n;
            } catch (SocketTimeoutException e) {
                check(stop, deadline, rank, peer);
            }
        }
    }

    private void ensure(int chunk) {
        if (sendBuf.length < chunk * 4) {
            sendBuf = new byte[chunk * 4];
            receiveBuf = new byte[chunk * 4];
        }
    }

    @Override
    public void close() throws IOException {
        if (sender != null) {
            sender.shutdownNow();
        }
        try {
            if (next != null) {
                next.close();
            }
        } finally {
            if (previous != null) {
                previous.close();
            }
        }
    }
}
