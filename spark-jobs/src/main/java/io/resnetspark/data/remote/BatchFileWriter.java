package io.resnetspark.data.remote;

import io.resnetspark.data.format.BatchChunk;
import io.resnetspark.data.format.Minibatch;
import io.resnetspark.storage.RemoteStorage;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.fs.Path;
import io.resnetspark.data.format.BatchChecksums;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple2;

/**
 * Executor side of prepare: writes the minibatch files of one partition. Its input is sorted by
 * (file, index of the chunk's first image), so each file's chunks arrive together and in order; a
 * file is written whole
 * (temporary name, then rename) as soon as its last image has arrived. Yields each file's name and the CRC32C
 * of its bytes, which the manifest records and every reader checks.
 */
public final class BatchFileWriter implements FlatMapFunction<Iterator<Tuple2<Long, BatchChunk>>, Tuple2<String, String>> {
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
    public Iterator<Tuple2<String, String>> call(Iterator<Tuple2<Long, BatchChunk>> it) {
        List<Tuple2<String, String>> written = new ArrayList<>();
        int current = -1;
        List<BatchChunk> chunks = new ArrayList<>();
        while (it.hasNext()) {
            Tuple2<Long, BatchChunk> t = it.next();
            int file = FilePartitioner.fileId(t._1());
            if (file != current && !chunks.isEmpty()) {
                written.add(write(current, chunks));
                chunks.clear();
            }
            current = file;
            chunks.add(t._2());
        }
        if (!chunks.isEmpty()) {
            written.add(write(current, chunks));
        }
        return written.iterator();
    }

    private Tuple2<String, String> write(int file, List<BatchChunk> chunks) {
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
        ByteArrayOutputStream encoded = new ByteArrayOutputStream(pixels.length + 8 * n + 64);
        try {
            mb.write(encoded);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] content = encoded.toByteArray();
        remote.storage().writeBytes(new Path(outRoot + "/" + fileNames[file]), content);
        written.add(1);
        return new Tuple2<>(fileNames[file], BatchChecksums.crc32c(content));
    }
}
