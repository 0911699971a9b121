package io.resnetspark.data.remote;

import io.resnetspark.data.format.BadInputException;
import io.resnetspark.data.format.DecodedItem;
import io.resnetspark.data.format.ImageCell;
import io.resnetspark.data.format.PrepareItem;
import io.resnetspark.data.format.Preprocessor;
import io.resnetspark.storage.RemoteStorage;
import io.resnetspark.storage.Storage;
import java.util.Iterator;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.LongAccumulator;

/**
 * Executor side of prepare: reads and preprocesses the items of one partition, lazily, one at a
 * time. A failure of one input becomes a skip reason; only an unreachable file system fails the task
 * (Spark then retries it).
 */
public final class DecodePartition implements FlatMapFunction<Iterator<PrepareItem>, DecodedItem> {
    private static final long serialVersionUID = 1L;

    private final Preprocessor pre;
    private final String sourceRoot;
    private final RemoteStorage remote;
    private final LongAccumulator done;
    private final Broadcast<byte[][]> raw;

    /** @param raw the raw pixels of idx/csv records, by {@link PrepareItem#rawSlot}; null for image files */
    public DecodePartition(Preprocessor pre, String sourceRoot, RemoteStorage remote, LongAccumulator done,
                           Broadcast<byte[][]> raw) {
        this.pre = pre;
        this.sourceRoot = sourceRoot;
        this.remote = remote;
        this.done = done;
        this.raw = raw;
    }

    @Override
    public Iterator<DecodedItem> call(Iterator<PrepareItem> items) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return items.hasNext();
            }

            @Override
            public DecodedItem next() {
                return DecodePartition.this.next(items.next());
            }
        };
    }

    /** Decodes one input and counts it. */
    DecodedItem next(PrepareItem item) {
        DecodedItem d = decode(item);
        done.add(1);
        return d;
    }

    /** One input: its pixels and channel sums, or the reason it cannot be used. */
    DecodedItem decode(PrepareItem item) {
        DecodedItem d = new DecodedItem();
        d.index = item.index;
        d.name = item.name;
        d.split = item.split;
        d.label = item.label;
        d.reason = item.reason;
        if (d.reason != null) {
            return d;
        }
        try {
            byte[] px;
            if (item.rawSlot >= 0) {
                px = pre.fromGray(raw.value()[item.rawSlot], item.rawWidth, item.rawHeight);
            } else if (item.raw != null) {
                px = pre.fromGray(item.raw, item.rawWidth, item.rawHeight);
            } else if (item.tableFile != null) {
                px = ImageCell.pixels(item.cell, pre);
            } else {
                Storage storage = remote.storage();
                px = pre.fromFile(storage.readBytes(PrepareItem.file(sourceRoot, item.name)));
            }
            d.pixels = px;
            int c = pre.channels();
            int n = px.length / c;
            d.sum = new long[c];
            d.sumSquares = new long[c];
            for (int ch = 0; ch < c; ch++) {
                long s = 0;
                long q = 0;
                for (int i = ch * n, end = i + n; i < end; i++) {
                    int v = px[i] & 0xFF;
                    s += v;
                    q += v * v;
                }
                d.sum[ch] = s;
                d.sumSquares[ch] = q;
            }
        } catch (BadInputException e) {
            d.reason = e.getMessage();
        } catch (OutOfMemoryError e) {
            d.reason = "too large to decode in this executor's memory";
        }
        return d;
    }
}
