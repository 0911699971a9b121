package io.resnetspark.model.weights;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The named tensors of a weights file, in file order, whichever format they came in. {@link #read}
 * tells the formats apart by their first bytes, not by the file name, so a renamed or extension-less
 * file on HDFS or S3 still reads.
 */
public record StateDict(String source, String format, Map<String, WeightTensor> tensors) {
    public static final String TORCH = "PyTorch checkpoint";
    public static final String SAFETENSORS = "safetensors";

    public StateDict {
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }

    /**
     * Reads a {@code torch.save} zip (a state dict, or one under {@code state_dict} or {@code model}) or a
     * {@code .safetensors} file. The stream is spooled to a temporary file first because both formats
     * need random access (the zip directory sits at the end; safetensors offsets point anywhere).
     *
     * @param source the file's name or URI, used only in messages
     * @throws WeightFileException naming {@code source} when the bytes are neither format, or damaged
     */
    public static StateDict read(InputStream in, String source) {
        Path tmp = null;
        try {
            tmp = Files.createTempFile("resnet-spark-weights", ".bin");
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            return read(tmp, source);
        } catch (IOException e) {
            throw new WeightFileException("could not read weights file " + source + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                tmp.toFile().delete();
            }
        }
    }

    /** As {@link #read(InputStream, String)}, for a local file. */
    public static StateDict read(Path file, String source) {
        byte[] head = new byte[16];
        int n;
        long size;
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            size = f.length();
            n = f.read(head);
        } catch (IOException e) {
            throw new WeightFileException("could not read weights file " + source + ": " + e.getMessage(), e);
        }
        if (size == 0) {
            throw new WeightFileException("weights file " + source + " is empty");
        }
        if (n >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
            return new StateDict(source, TORCH, TorchCheckpoint.read(file, source));
        }
        if (n >= 9 && head[8] == '{') {
            return new StateDict(source, SAFETENSORS, Safetensors.read(file, size, source));
        }
        if (n >= 2 && (head[0] & 0xff) == 0x80 && head[1] == 2) {
            throw new WeightFileException("weights file " + source + " is in the legacy torch.save format of PyTorch"
                    + " before 1.6, which is not supported; load it in Python and save it again with torch.save");
        }
        throw new WeightFileException("weights file " + source + " is not a PyTorch checkpoint (a zip archive with"
                + " data.pkl) or a safetensors file; it starts with " + preview(head, n));
    }

    private static String preview(byte[] head, int n) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < Math.min(n, 8); i++) {
            int b = head[i] & 0xff;
            sb.append(b >= 0x20 && b < 0x7f ? String.valueOf((char) b) : String.format("\\x%02x", b));
        }
        return sb.append('"').toString();
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
