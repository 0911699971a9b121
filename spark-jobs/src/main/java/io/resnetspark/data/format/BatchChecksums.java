package io.resnetspark.data.format;

import io.resnetspark.storage.Storage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.zip.CRC32C;
import org.apache.hadoop.fs.ChecksumException;

/**
 * The CRC32C of every minibatch file, as prepare recorded it in the manifest, and the one way to read a
 * minibatch file: the whole file is read, its checksum compared, and only then parsed. Object stores keep
 * no checksum beside a file (Hadoop's {@code .crc} exists only on file://), so without this a damaged file
 * would be trained on as garbage. Travels to executors in a broadcast; files the manifest has no checksum
 * for (data prepared before checksums existed) are parsed unchecked.
 */
public final class BatchChecksums implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Checks nothing but that a file parses. */
    public static final BatchChecksums NONE = new BatchChecksums(Map.of());

    private final HashMap<String, String> crc;

    /** @param crc per file name under the data root ({@code <split>/part-NNNNN.bin}): its CRC32C in hex */
    public BatchChecksums(Map<String, String> crc) {
        this.crc = new HashMap<>(crc);
    }

    /** The CRC32C of {@code bytes}, as the manifest writes it (8 hex digits). */
    public static String crc32c(byte[] bytes) {
        CRC32C c = new CRC32C();
        c.update(bytes, 0, bytes.length);
        return String.format(Locale.ROOT, "%08x", c.getValue());
    }

    /** The manifest's name of a file given by URI: its split folder and file name. */
    public static String key(String uri) {
        String u = uri.replaceAll("/+$", "");
        int last = u.lastIndexOf('/');
        int before = last > 0 ? u.lastIndexOf('/', last - 1) : -1;
        return u.substring(before + 1);
    }

    public int size() {
        return crc.size();
    }

    /** Reads, checks and parses one minibatch file through Hadoop. */
    public Minibatch read(Storage storage, String uri) {
        byte[] bytes;
        try (InputStream in = storage.open(Storage.path(uri))) {
            bytes = in.readAllBytes();
        } catch (ChecksumException e) {
            throw new DamagedFileException(uri, "Hadoop's checksum file (.crc) beside it does not match its bytes");
        } catch (IOException e) {
            throw Storage.unreachable(Storage.path(uri), e);
        }
        return parse(uri, bytes);
    }

    /** Checks and parses the bytes of one minibatch file; {@code uri} names it in errors. */
    public Minibatch parse(String uri, byte[] bytes) {
        String expected = crc.get(key(uri));
        if (expected != null) {
            String actual = crc32c(bytes);
            if (!actual.equals(expected)) {
                throw new DamagedFileException(uri, "its CRC32C is " + actual + " but the manifest recorded "
                        + expected + " (" + bytes.length + " bytes read)");
            }
        }
        try {
            return Minibatch.read(new ByteArrayInputStream(bytes), uri);
        } catch (IOException | RuntimeException e) {
            throw new DamagedFileException(uri, "it cannot be parsed as a minibatch ("
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")");
        }
    }
}
