package io.resnetspark.data;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.PairFlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import scala.Tuple2;

/**
 * Executor side of prepare: groups the used images of one decoded partition into chunks per output
 * file, keyed by {@code (file, index of the chunk's first image)} (see {@link FilePartitioner}).
 */
public final class ChunkByFile implements PairFlatMapFunction<Iterator<DecodedItem>, Long, BatchChunk> {
    private static final long serialVersionUID = 1L;

    private final Broadcast<int[]> fileOf;

    public ChunkByFile(Broadcast<int[]> fileOf) {
        this.fileOf = fileOf;
    }

    @Override
    public Iterator<Tuple2<Long, BatchChunk>> call(Iterator<DecodedItem> items) {
        int[] files = fileOf.value();
        List<Tuple2<Long, BatchChunk>> out = new ArrayList<>();
        int file = -1;
        int first = -1;
        ByteArrayOutputStream pixels = new ByteArrayOutputStream();
        List<Integer> labels = new ArrayList<>();
        List<String> names = new ArrayList<>();
        while (items.hasNext()) {
            DecodedItem d = items.next();
            if (!d.ok()) {
                continue;
            }
            if (files[d.index] != file && !labels.isEmpty()) {
                out.add(chunk(file, first, pixels, labels, names));
            }
            if (labels.isEmpty()) {
                file = files[d.index];
                first = d.index;
            }
            pixels.writeBytes(d.pixels);
            labels.add(d.label);
            names.add(d.name);
        }
        if (!labels.isEmpty()) {
            out.add(chunk(file, first, pixels, labels, names));
        }
        return out.iterator();
    }

    private static Tuple2<Long, BatchChunk> chunk(int file, int first, ByteArrayOutputStream pixels,
                                                  List<Integer> labels, List<String> names) {
        BatchChunk c = new BatchChunk();
        c.n = labels.size();
        c.pixels = pixels.toByteArray();
        c.labels = labels.stream().mapToInt(Integer::intValue).toArray();
        c.names = names.toArray(new String[0]);
        pixels.reset();
        labels.clear();
        names.clear();
        return new Tuple2<>(FilePartitioner.key(file, first), c);
    }
}
