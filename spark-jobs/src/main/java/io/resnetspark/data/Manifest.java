package io.resnetspark.data;

import io.resnetspark.common.UserError;
import io.resnetspark.data.format.BatchChecksums;
import io.resnetspark.model.ModelStore;
import io.resnetspark.model.Normalization;
import io.resnetspark.storage.Storage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;

/**
 * {@code <out>/manifest.json}: what a prepared data set holds. Written last by prepare, so its
 * presence means the data set is complete; training, evaluation and export read it.
 *
 * @param classes     class names; the label of an image is its index here
 * @param splits      per split: images, files, per-class counts, skipped inputs and every file's class counts
 * @param skipped     every input that was not used, with its reason
 * @param recipe      the preprocessing applied at prepare time (resize, crop, channels)
 */
public record Manifest(int formatVersion, String source, String format, List<String> classes, int channels,
                       int height, int width, int batchSize, Normalization normalization,
                       Map<String, Split> splits, List<Skipped> skipped, Map<String, Object> recipe,
                       String created) {
    public static final int FORMAT_VERSION = 1;
    public static final String FILE = "manifest.json";

    /**
     * @param seen            inputs found for this split: always {@code images + skipped}
     * @param skippedPerClass skipped inputs whose class is known (the rest belong to no class)
     */
    public record Split(long images, int files, Map<String, Long> perClass, long skipped, long seen,
                        Map<String, Long> skippedPerClass, List<BatchFile> batchFiles) {
        public Split(long images, int files, Map<String, Long> perClass, long skipped, long seen,
                     Map<String, Long> skippedPerClass) {
            this(images, files, perClass, skipped, seen, skippedPerClass, List.of());
        }

        public Split(long images, int files, Map<String, Long> perClass, long skipped) {
            this(images, files, perClass, skipped, images + skipped, Map.of());
        }
    }

    /**
     * One minibatch file of a split.
     *
     * @param classes images per class, for the classes the file holds (a file holds at most a minibatch of
     *                classes, while a data set may have thousands)
     * @param crc32c  the file's CRC32C (8 hex digits), checked whenever the file is read; null in data prepared
     *                before checksums were recorded
     */
    public record BatchFile(String name, int images, Map<String, Integer> classes, String crc32c) {
        public BatchFile(String name, int images, Map<String, Integer> classes) {
            this(name, images, classes, null);
        }

        public BatchFile withCrc32c(String crc) {
            return new BatchFile(name, images, classes, crc);
        }
    }

    public record Skipped(String path, String split, String reason) {
    }

    /** The manifest of the prepared data at {@code data}: the one reader. */
    public static Manifest read(Storage storage, Path data) {
        Path p = new Path(data, FILE);
        if (!storage.exists(p)) {
            throw new UserError("no prepared data at " + data + " (" + FILE + " is missing: not prepared data, or "
                    + "prepare did not finish; run prepare first)");
        }
        try {
            return ModelStore.JSON.readValue(storage.readBytes(p), Manifest.class);
        } catch (IOException e) {
            throw new UserError(p + " is not a readable manifest: " + e.getMessage(), e);
        }
    }

    /** The minibatch files of one split of the prepared data at {@code data}, as URIs. */
    public static List<String> files(Storage storage, Path data, String split) {
        List<String> out = new ArrayList<>();
        for (FileStatus f : storage.listFiles(new Path(data, split))) {
            String name = f.getPath().getName();
            if (name.endsWith(".bin") && !name.startsWith(".") && !name.startsWith("_")) {
                out.add(f.getPath().toString());
            }
        }
        return out;
    }

    /** The recorded checksum of every minibatch file of every split, for the readers on the executors. */
    public BatchChecksums checksums() {
        Map<String, String> crc = new java.util.HashMap<>();
        if (splits != null) {
            for (Split s : splits.values()) {
                for (BatchFile f : s.batchFiles() == null ? List.<BatchFile>of() : s.batchFiles()) {
                    if (f.crc32c() != null) {
                        crc.put(f.name(), f.crc32c());
                    }
                }
            }
        }
        return new BatchChecksums(crc);
    }

    /** Images of a split: the manifest's count, or files times the batch size for data written without one. */
    public long images(String split, int files) {
        Split s = splits == null ? null : splits.get(split);
        return s != null ? s.images() : (long) files * batchSize;
    }
}
