package io.resnetspark.storage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.resnetspark.common.UserError;
import io.resnetspark.model.ModelStore;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;

/**
 * {@code <run>/metrics.jsonl}: one JSON object per finished epoch, in epoch order. Object stores cannot
 * append, and the file is small, so every change rewrites it whole (atomically); on resume the lines
 * past the checkpoint are dropped so no epoch appears twice.
 */
public final class MetricsLog {
    public static final String FILE = RunLayout.METRICS;
    private static final TypeReference<Map<String, Object>> LINE = new TypeReference<>() { };
    /** One line per object: the shared mapper indents. */
    private static final ObjectWriter COMPACT = ModelStore.JSON.writer().without(SerializationFeature.INDENT_OUTPUT);

    private final Storage storage;
    private final Path file;

    public MetricsLog(Storage storage, Path run) {
        this.storage = storage;
        this.file = new Path(run, FILE);
    }

    public Path file() {
        return file;
    }

    public List<Map<String, Object>> read() {
        List<Map<String, Object>> lines = new ArrayList<>();
        if (!storage.exists(file)) {
            return lines;
        }
        int n = 0;
        for (String line : storage.readString(file).split("\n")) {
            n++;
            if (line.isBlank()) {
                continue;
            }
            try {
                lines.add(ModelStore.JSON.readValue(line, LINE));
            } catch (JsonProcessingException e) {
                throw new UserError(file + " line " + n + " is not a JSON object; remove the line or the file");
            }
        }
        return lines;
    }

    /** Keeps only the epochs up to {@code epoch}; returns them. */
    public List<Map<String, Object>> trimTo(int epoch) {
        List<Map<String, Object>> kept = new ArrayList<>();
        for (Map<String, Object> l : read()) {
            if (((Number) l.get("epoch")).intValue() <= epoch) {
                kept.add(l);
            }
        }
        write(kept);
        return kept;
    }

    public void append(Map<String, Object> line) {
        List<Map<String, Object>> lines = read();
        lines.add(line);
        write(lines);
    }

    private void write(List<Map<String, Object>> lines) {
        StringBuilder sb = new StringBuilder();
        try {
            for (Map<String, Object> l : lines) {
                sb.append(COMPACT.writeValueAsString(l)).append('\n');
            }
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        storage.writeString(file, sb.toString());
    }
}
