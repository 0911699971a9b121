package io.resnetspark.data;

import io.resnetspark.model.Normalization;
import java.util.List;
import java.util.Map;

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
     */
    public record BatchFile(String name, int images, Map<String, Integer> classes) {
    }

    public record Skipped(String path, String split, String reason) {
    }
}
