package io.resnetspark.data;

import io.resnetspark.data.format.DecodedItem;
import io.resnetspark.data.remote.FilePartitioner;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Driver side of prepare: which minibatch file, and which position in it, each used image goes to.
 * Each split's images are shuffled across the whole split before they are cut into files, because
 * sources list their images grouped by class (an ImageFolder is sorted by class folder): batched in
 * listing order, every file would hold one class and every training step would see one class. The
 * shuffle is seeded by the split seed, so a rerun writes byte-identical files.
 *
 * @param slotOf    per input index: {@link FilePartitioner#key(int, int)} of its file and position, or -1
 * @param fileNames per file id: its name under the output root ({@code <split>/part-NNNNN.bin})
 * @param files     per split: each file's name, image count and per-class counts, in file order
 */
public record BatchPlan(long[] slotOf, List<String> fileNames, Map<String, List<Manifest.BatchFile>> files) {

    /** @param statuses every listed input, in index order, with its split, label and whether it is used */
    public static BatchPlan of(List<DecodedItem> statuses, int batch, List<String> classes, long seed) {
        long[] slotOf = new long[statuses.size()];
        java.util.Arrays.fill(slotOf, -1L);
        List<String> names = new ArrayList<>();
        Map<String, List<Manifest.BatchFile>> files = new LinkedHashMap<>();
        for (int sp = 0; sp < PrepareJob.SPLITS.size(); sp++) {
            String split = PrepareJob.SPLITS.get(sp);
            List<DecodedItem> used = new ArrayList<>();
            for (DecodedItem d : statuses) {
                if (d.ok() && d.split.equals(split)) {
                    used.add(d);
                }
            }
            Collections.shuffle(used, new Random(seed * 1_000_003L + sp));
            List<Manifest.BatchFile> infos = new ArrayList<>();
            for (int start = 0; start < used.size(); start += batch) {
                int fileId = names.size();
                String name = String.format(Locale.ROOT, "%s/part-%05d.bin", split, start / batch);
                names.add(name);
                int n = Math.min(batch, used.size() - start);
                int[] counts = new int[classes.size()];
                for (int pos = 0; pos < n; pos++) {
                    DecodedItem d = used.get(start + pos);
                    slotOf[d.index] = FilePartitioner.key(fileId, pos);
                    counts[d.label]++;
                }
                Map<String, Integer> held = new LinkedHashMap<>();
                for (int c = 0; c < counts.length; c++) {
                    if (counts[c] > 0) {
                        held.put(classes.get(c), counts[c]);
                    }
                }
                infos.add(new Manifest.BatchFile(name, n, held));
            }
            files.put(split, infos);
        }
        return new BatchPlan(slotOf, names, files);
    }

    /** The same plan with each file's CRC32C, as the writers reported them. */
    public BatchPlan withChecksums(Map<String, String> crc) {
        Map<String, List<Manifest.BatchFile>> out = new LinkedHashMap<>();
        files.forEach((split, list) -> out.put(split, list.stream().map(f -> f.withCrc32c(crc.get(f.name()))).toList()));
        return new BatchPlan(slotOf, fileNames, out);
    }

    /**
     * Training files in which one class is far more frequent than in the split as a whole: more than
     * half the file, and more than 4 standard deviations above what a random draw from the split gives
     * (so a shuffled split of imbalanced data does not set it off by chance).
     */
    public static List<String> dominated(List<Manifest.BatchFile> files) {
        long total = files.stream().mapToLong(Manifest.BatchFile::images).sum();
        Map<String, Long> perClass = new java.util.HashMap<>();
        files.forEach(f -> f.classes().forEach((c, n) -> perClass.merge(c, (long) n, Long::sum)));
        List<String> out = new ArrayList<>();
        for (Manifest.BatchFile f : files) {
            for (Map.Entry<String, Integer> e : f.classes().entrySet()) {
                double p = perClass.get(e.getKey()) / (double) total;
                double n = f.images();
                double limit = Math.max(n / 2, n * p + 4 * Math.sqrt(n * p * (1 - p)));
                if (e.getValue() > limit) {
                    out.add(String.format(Locale.ROOT, "%s (%d of %d images are '%s')", f.name(), e.getValue(),
                            f.images(), e.getKey()));
                    break;
                }
            }
        }
        return out;
    }
}
