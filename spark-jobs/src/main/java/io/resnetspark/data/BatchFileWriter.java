package io.resnetspark.data;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.VoidFunction;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple2;

/**
 * Executor side of prepare: writes the minibatch files of one partition. Its input is sorted by
 * (file, index), so each file's images arrive together and in order; a file is written whole
 * (temporary name, then rename) as soon as its last image has arrived.
 */
public final class BatchFileWriter implements VoidFunction<Iterator<Tuple2<Long, DecodedItem>>> {
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
    public void call(Iterator<Tuple2<Long, DecodedItem>> it) {
        int current = -1;
        List<DecodedItem> batch = new ArrayList<>();
        while (it.hasNext()) {
            Tuple2<Long, DecodedItem> t = it.next();
            int file = FilePartitioner.fileId(t._1());
            if (file != current && !batch.isEmpty()) {
                write(current, batch);
                batch.clear();
            }
            current = file;
            batch.add(t._2());
        }
        if (!batch.isEmpty()) {
            write(current, batch);
        }
    }

    private void write(int file, List<DecodedItem> batch) {
        int n = batch.size();
        int bytes = channels * height * width;
        byte[] pixels = new byte[n * bytes];
        int[] labels = new int[n];
        String[] sources = new String[n];
        for (int i = 0; i < n; i++) {
            DecodedItem d = batch.get(i);
            System.arraycopy(d.pixels, 0, pixels, i * bytes, bytes);
            labels[i] = d.label;
            sources[i] = d.name;
        }
        Minibatch mb = new Minibatch(n, channels, height, width, classes, pixels, labels, sources);
        remote.storage().write(new Path(outRoot + "/" + fileNames[file]), mb::write);
        written.add(1);
    }
}
