package io.resnetspark.data.remote;

import io.resnetspark.data.format.BatchChunk;
import io.resnetspark.data.format.Minibatch;
import io.resnetspark.storage.RemoteStorage;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.VoidFunction;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple2;

/**
 * Executor side of prepare: writes the minibatch files of one partition. Its input is sorted by
 * (file, index of the chunk's first image), so each file's chunks arrive together and in order; a
 * file is written whole
 * (temporary name, then rename) as soon as its last image has arrived.
 */
public final class BatchFileWriter implements VoidFunction<Iterator<Tuple2<Long, BatchChunk>>> {
    private static final long serialVersionUID = 1L;

    private final String outRoot;
    private final String[] fileNames;
    private final int channels;
    private final int height;
    private final int width;
    private final int classes;
    private final RemoteStorage remote;
    private final LongAccumulator written;

    public BatchFileWriter(String outRoot, String[] fileNames, int channels, int height, int width, int classes,
                           RemoteStorage remote, LongAccumulator written) {
        this.outRoot = outRoot;
        this.fileNames = fileNames;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.classes = classes;
        this.remote = remote;
        this.written = written;
    }

    @Override
    public void call(Iterator<Tuple2<Long, BatchChunk>> it) {
        int current = -1;
        List<BatchChunk> chunks = new ArrayList<>();
        while (it.hasNext()) {
            Tuple2<Long, BatchChunk> t = it.next();
            int file = FilePartitioner.fileId(t._1());
            if (file != current && !chunks.isEmpty()) {
                write(current, chunks);
                chunks.clear();
            }
            current = file;
            chunks.add(t._2());
        }
        if (!chunks.isEmpty()) {
            write(current, chunks);
        }
    }

    private void write(int file, List<BatchChunk> chunks) {
        int n = chunks.stream().mapToInt(c -> c.n).sum();
        int bytes = channels * height * width;
        byte[] pixels = new byte[n * bytes];
        int[] labels = new int[n];
        String[] sources = new String[n];
        int at = 0;
        for (BatchChunk c : chunks) {
            System.arraycopy(c.pixels, 0, pixels, at * bytes, c.n * bytes);
            System.arraycopy(c.labels, 0, labels, at, c.n);
            System.arraycopy(c.names, 0, sources, at, c.n);
            at += c.n;
        }
        Minibatch mb = new Minibatch(n, channels, height, width, classes, pixels, labels, sources);
        remote.storage().write(new Path(outRoot + "/" + fileNames[file]), mb::write);
        written.add(1);
    }
}
