package io.resnetspark.testing;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

/**
 * Parquet files of images written the way other tools write them, not by Spark and not by the product:
 * with parquet-mr's own example writer (the Java reference implementation of Parquet, which Hive-era
 * tools use), a schema of our choosing, no Spark metadata in the footer, and small row groups so one file
 * holds several. Debian has no Parquet writer for Python (no pyarrow, no fastparquet), so the tests use
 * this one.
 */
public final class ParquetTables {
    private ParquetTables() {
    }

    /**
     * Writes {@code rows} (column name -> value: byte[] for binary, String, Integer, Long; null = no value)
     * to one Parquet file with {@code schema} (Parquet's message syntax).
     */
    public static void write(Path file, String schema, List<Map<String, Object>> rows) throws IOException {
        MessageType type = MessageTypeParser.parseMessageType(schema);
        SimpleGroupFactory groups = new SimpleGroupFactory(type);
        try (ParquetWriter<Group> w = ExampleParquetWriter.builder(file).withType(type).withConf(new Configuration())
                .withCompressionCodec(CompressionCodecName.GZIP).withRowGroupSize(4096L).withPageSize(1024)
                .build()) {
            for (Map<String, Object> row : rows) {
                Group g = groups.newGroup();
                for (Map.Entry<String, Object> e : row.entrySet()) {
                    Object v = e.getValue();
                    if (v instanceof byte[] b) {
                        g.add(e.getKey(), Binary.fromConstantByteArray(b));
                    } else if (v instanceof String s) {
                        g.add(e.getKey(), s);
                    } else if (v instanceof Integer i) {
                        g.add(e.getKey(), i);
                    } else if (v instanceof Long l) {
                        g.add(e.getKey(), l);
                    } else if (v != null) {
                        throw new IllegalArgumentException(e.getKey() + ": " + v.getClass());
                    }
                }
                w.write(g);
            }
        }
    }
}
