package io.resnetspark.data.remote;

import io.resnetspark.data.format.DecodedItem;
import io.resnetspark.data.format.PrepareItem;
import java.util.HashMap;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;

/**
 * Executor side of prepare for a table: each row is described as the driver listed it ({@link TableRows}),
 * given the index the driver assigned it, and its image cell decoded as files are ({@link DecodePartition}).
 * Rows the listing left out are dropped here too.
 */
public final class TableDecode implements FlatMapFunction<Iterator<Row>, DecodedItem> {
    private static final long serialVersionUID = 1L;

    private final TableRows rows;
    private final Broadcast<HashMap<String, int[]>> indexOf;
    private final DecodePartition decoder;

    public TableDecode(TableRows rows, Broadcast<HashMap<String, int[]>> indexOf, DecodePartition decoder) {
        this.rows = rows;
        this.indexOf = indexOf;
        this.decoder = decoder;
    }

    @Override
    public Iterator<DecodedItem> call(Iterator<Row> in) {
        HashMap<String, int[]> index = indexOf.value();
        return new Iterator<>() {
            private PrepareItem next = advance();

            private PrepareItem advance() {
                while (in.hasNext()) {
                    Row r = in.next();
                    int[] ofFile = index.get(r.getString(0));
                    long row = r.getLong(1);
                    if (ofFile != null && row < ofFile.length && ofFile[(int) row] >= 0) {
                        PrepareItem item = rows.call(r);
                        item.index = ofFile[(int) row];
                        item.cell = r.get(TableRows.IMAGE);
                        return item;
                    }
                }
                return null;
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public DecodedItem next() {
                if (next == null) {
                    throw new NoSuchElementException();
                }
                PrepareItem item = next;
                next = advance();
                return decoder.next(item);
            }
        };
    }
}
