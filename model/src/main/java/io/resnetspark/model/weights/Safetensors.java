package io.resnetspark.model.weights;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The safetensors format: an 8-byte little-endian header length N, N bytes of JSON
 * ({@code name -> {dtype, shape, data_offsets: [begin, end)}} plus an optional {@code __metadata__}),
 * then the tensors' little-endian bytes, offsets counted from the end of the header.
 */
final class Safetensors {
    /** The reference implementation refuses larger headers; so does this reader, before allocating one. */
    private static final long MAX_HEADER = 100L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private Safetensors() {
    }

    static Map<String, WeightTensor> read(Path file, long size, String source) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, len, 0);
            long headerLength = len.getLong(0);
            if (headerLength <= 0 || headerLength > MAX_HEADER) {
                throw bad(source, "its header length " + Long.toUnsignedString(headerLength) + " is not plausible");
            }
            if (8 + headerLength > size) {
                throw new WeightFileException("safetensors file " + source + " is truncated: its header alone needs "
                        + (8 + headerLength) + " bytes and the file has " + size);
            }
            ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
            readFully(ch, headerBytes, 8);
            JsonNode header;
            try {
                header = JSON.readTree(headerBytes.array());
            } catch (IOException e) {
                throw bad(source, "its header is not valid JSON");
            }
            if (header == null || !header.isObject()) {
                throw bad(source, "its header is not a JSON object");
            }
            long dataStart = 8 + headerLength;
            long dataEnd = dataStart;
            Map<String, WeightTensor> out = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("__metadata__")) {
                    continue;
                }
                Spec spec = spec(e.getKey(), e.getValue(), source);
                dataEnd = Math.max(dataEnd, dataStart + spec.end);
                if (dataStart + spec.end > size) {
                    continue; // reported below, once, for the whole file
                }
                out.put(e.getKey(), spec.read(ch, dataStart));
            }
            if (dataEnd > size) {
                throw new WeightFileException("safetensors file " + source + " is truncated: its header describes "
                        + dataEnd + " bytes and the file has " + size);
            }
            return out;
        } catch (IOException e) {
            throw new WeightFileException("could not read weights file " + source + ": " + e.getMessage(), e);
        }
    }

    private record Spec(ElementType type, long[] shape, long begin, long end) {
        WeightTensor read(FileChannel ch, long dataStart) throws IOException {
            ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(end - begin)).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, b, dataStart + begin);
            float[] v = new float[Math.toIntExact(WeightTensor.elements(shape))];
            for (int i = 0; i < v.length; i++) {
                v[i] = type.read(b, i);
            }
            return new WeightTensor(type.name(), shape, v);
        }
    }

    private static Spec spec(String name, JsonNode n, String source) {
        JsonNode offsets = n.path("data_offsets");
        JsonNode shapeNode = n.path("shape");
        ElementType type = ElementType.ofSafetensors(n.path("dtype").asText(""));
        if (type == null || !offsets.isArray() || offsets.size() != 2 || !shapeNode.isArray()) {
            throw bad(source, "tensor " + name + " has no readable dtype, shape and data_offsets (" + n + ")");
        }
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = shapeNode.get(i).asLong(-1);
            if (shape[i] < 0) {
                throw bad(source, "tensor " + name + " has shape " + shapeNode);
            }
        }
        long begin = offsets.get(0).asLong(-1);
        long end = offsets.get(1).asLong(-1);
        if (begin < 0 || end - begin != WeightTensor.elements(shape) * type.bytes) {
            throw bad(source, "tensor " + name + " has data_offsets " + offsets + " that do not fit its " + type
                    + " shape " + shapeNode);
        }
        return new Spec(type, shape, begin, end);
    }

    private static WeightFileException bad(String source, String problem) {
        return new WeightFileException("safetensors file " + source + " is damaged: " + problem);
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long position) throws IOException {
        long at = position;
        while (b.hasRemaining()) {
            int n = ch.read(b, at);
            if (n < 0) {
                throw new IOException("unexpected end of file at byte " + at);
            }
            at += n;
        }
        b.flip();
    }
}
