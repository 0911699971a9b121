package io.resnetspark.data.remote;

import io.resnetspark.data.format.BatchChunk;
import io.resnetspark.data.format.DecodedItem;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.PairFlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import scala.Tuple2;

/**
 * Executor side of prepare: groups the used images of one decoded partition into chunks, keyed by
 * {@code (file, position of the chunk's first image in that file)} (see {@link FilePartitioner}). A chunk
 * is a run of images that sit next to each other in the input and in one file; since prepare shuffles
 * each split before batching, most chunks are single images.
 */
public final class ChunkByFile implements PairFlatMapFunction<Iterator<DecodedItem>, Long, BatchChunk> {
    private static final long serialVersionUID = 1L;

    private final Broadcast<long[]> slotOf;

    /** @param slotOf per input index: {@link FilePartitioner#key(int, int)} of its file and position */
    public ChunkByFile(Broadcast<long[]> slotOf) {
        this.slotOf = slotOf;
    }

    @Override
    public Iterator<Tuple2<Long, BatchChunk>> call(Iterator<DecodedItem> items) {
        long[] slots = slotOf.value();
        List<Tuple2<Long, BatchChunk>> out = new ArrayList<>();
        long first = -1;
        long next = -1;
        ByteArrayOutputStream pixels = new ByteArrayOutputStream();
        List<Integer> labels = new ArrayList<>();
        List<String> names = new ArrayList<>();
        while (items.hasNext()) {
            DecodedItem d = items.next();
            if (!d.ok()) {
                continue;
            }
            long slot = slots[d.index];
            if (slot != next && !labels.isEmpty()) {
                out.add(chunk(first, pixels, labels, names));
            }
            if (labels.isEmpty()) {
                first = slot;
            }
            next = slot + 1;
            pixels.writeBytes(d.pixels);
            labels.add(d.label);
            names.add(d.name);
        }
        if (!labels.isEmpty()) {
            out.add(chunk(first, pixels, labels, names));
        }
        return out.iterator();
    }

    private static Tuple2<Long, BatchChunk> chunk(long first, ByteArrayOutputStream pixels,
                                                  List<Integer> labels, List<String> names) {
        BatchChunk c = new BatchChunk();
        c.n = labels.size();
        c.pixels = pixels.toByteArray();
        c.labels = labels.stream().mapToInt(Integer::intValue).toArray();
        c.names = names.toArray(new String[0]);
        pixels.reset();
        labels.clear();
        names.clear();
        return new Tuple2<>(first, c);
    }
}
