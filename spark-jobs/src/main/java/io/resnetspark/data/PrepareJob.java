package io.resnetspark.data;

import io.resnetspark.common.Progress;
import io.resnetspark.common.ProgressPoller;
import io.resnetspark.common.UserError;
import io.resnetspark.data.format.BadInputException;
import io.resnetspark.data.format.DecodedItem;
import io.resnetspark.data.format.ImageDecoder;
import io.resnetspark.data.format.PrepareItem;
import io.resnetspark.data.format.Preprocessor;
import io.resnetspark.data.format.SplitHash;
import io.resnetspark.data.remote.BatchFileWriter;
import io.resnetspark.data.remote.ChunkByFile;
import io.resnetspark.data.remote.DecodePartition;
import io.resnetspark.data.remote.FilePartitioner;
import io.resnetspark.model.EvalTransform;
import io.resnetspark.model.ModelStore;
import io.resnetspark.model.Normalization;
import io.resnetspark.spark.Partitions;
import io.resnetspark.spark.SparkSetup;
import io.resnetspark.storage.RemoteStorage;
import io.resnetspark.storage.Storage;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;

/**
 * The prepare job, driver side: list the source (driver), decode and preprocess in partitions
 * (executors, {@link DecodePartition}), decide from the collected statuses which file each image goes
 * to (driver, small: no pixels), then shuffle the pixels in per-file chunks ({@link ChunkByFile}) to
 * the writers (executors, {@link BatchFileWriter}) and write the manifest last. Output is a function of the input and the
 * settings only: the same input gives byte-identical minibatch files on every rerun.
 */
public final class PrepareJob {
    public static final List<String> SPLITS = List.of("train", "val", "test");
    static final int IMAGES_PER_TASK = 2000;

    private final PrepareSettings s;
    private final Storage storage;
    private final PrintStream log;

    public PrepareJob(PrepareSettings settings, Storage storage, PrintStream log) {
        this.s = settings;
        this.storage = storage;
        this.log = log;
    }

    public Path out() {
        return Storage.path(s.out());
    }

    public Path manifestPath() {
        return new Path(out(), Manifest.FILE);
    }

    /**
     * Driver only, before Spark: true when the output is committed and must be kept. A committed
     * output with overwrite, or a half-written one (no manifest), is removed.
     */
    public boolean alreadyPrepared() {
        if (storage.exists(manifestPath())) {
            if (!s.overwrite()) {
                return true;
            }
            log.println("overwriting the prepared data at " + s.out() + " (prepare.overwrite)");
            clean();
        } else if (SPLITS.stream().anyMatch(sp -> storage.exists(new Path(out(), sp)))) {
            log.println("cleaning up a half-written output at " + s.out() + " (no manifest: an earlier run did not "
                    + "finish)");
            clean();
        }
        return false;
    }

    private void clean() {
        storage.delete(manifestPath());
        for (String sp : SPLITS) {
            storage.delete(new Path(out(), sp));
        }
    }

    /**
     * Driver only: the inputs of the source, in their fixed order. Only a table is listed through Spark
     * ({@code spark} is asked for a session then); the other sources are listed before Spark starts.
     */
    public SourceListing list(Supplier<SparkSession> spark) {
        Path src = Storage.path(s.source());
        if (!storage.exists(src)) {
            throw new UserError("prepare.source " + s.source() + " does not exist");
        }
        SplitHash hash = s.splitHash();
        SourceListing l = switch (s.format()) {
            case "idx" -> IdxSource.list(storage, src, hash, s.classes());
            case "csv" -> CsvSource.list(storage, src, hash, s.classes(), s.csv());
            case "parquet" -> TableSource.list(spark.get(), src, hash, s.classes(), s.table());
            default -> ImageFolderSource.list(storage, src, hash);
        };
        if (l.items().isEmpty()) {
            throw new UserError("prepare.source " + s.source() + " holds no inputs");
        }
        if (s.maxPerSplit() > 0) {
            l = firstOfEachSplit(l, s.maxPerSplit());
        }
        if (l.classes().isEmpty()) {
            throw new UserError("prepare.source " + s.source() + " has no class with any input ("
                    + (s.format().equals("imagefolder") ? "expected root/<class>/<image>" : "no usable label") + ")");
        }
        return l;
    }

    /** The listing cut to the first {@code n} inputs of each split (prepare.max-per-split), renumbered. */
    private static SourceListing firstOfEachSplit(SourceListing l, int n) {
        Map<String, Integer> kept = new HashMap<>();
        List<PrepareItem> items = new ArrayList<>();
        for (PrepareItem i : l.items()) {
            if (kept.merge(i.split, 1, Integer::sum) <= n) {
                i.index = items.size();
                items.add(i);
            }
        }
        return new SourceListing(l.classes(), items, l.dataset(), l.width(), l.height(), l.splitRule(), l.notes(),
                l.table());
    }

    /** The preprocessing for this source: output size and channels. */
    public Preprocessor preprocessor(SourceListing l) {
        // record formats hold gray pixels; image files and tables of them are mostly color
        int channels = s.channels() != 0 ? s.channels() : s.format().equals("idx") || s.format().equals("csv") ? 1 : 3;
        int w = l.width();
        int h = l.height();
        if (s.size() == 0 && w == 0) {
            int[] first = l.table() != null ? l.table().firstImageSize() : firstImageSize(l);
            w = first[0];
            h = first[1];
        }
        if (s.size() == 0 && w == 0) {
            throw new UserError("prepare.size is 0 (keep the source size) but no image of " + s.source()
                    + " could be read to learn it; set prepare.size");
        }
        if (s.resizeShorter() > 0) {
            // torchvision's evaluation geometry (Resize(resize-shorter), CenterCrop(size)), as predict applies it
            // to imported models, so that evaluate scores the same pixels
            return Preprocessor.evaluating(new EvalTransform(s.resizeShorter(), s.size(), s.size(), "bilinear", "RGB",
                    1.0 / 255.0), channels, s.maxPixels());
        }
        return new Preprocessor(s.size(), w, h, channels, s.maxPixels());
    }

    private int[] firstImageSize(SourceListing l) {
        int tried = 0;
        for (PrepareItem i : l.items()) {
            if (i.reason != null) {
                continue;
            }
            try {
                return ImageDecoder.size(storage.readBytes(PrepareItem.file(s.source(), i.name)));
            } catch (BadInputException e) {
                if (++tried == 20) {
                    break;
                }
            }
        }
        return new int[] {0, 0};
    }

    /** Runs the Spark work and writes the manifest last; returns it. */
    public Manifest run(SparkSession spark, SourceListing l, Preprocessor pre, Map<String, String> hadoopSettings) {
        long start = System.nanoTime();
        JavaSparkContext jsc = SparkSetup.context(spark);
        RemoteStorage remote = new RemoteStorage(hadoopSettings);
        List<PrepareItem> items = l.items();
        // small tasks: progress moves (accumulators report at task end) and a retried task redoes little
        int parts = Partitions.of(jsc, items.size(), IMAGES_PER_TASK, 1, s.partitions());

        LongAccumulator decoded = jsc.sc().longAccumulator("prepare: inputs decoded");
        // the pixels of idx/csv records go in one broadcast, and the tasks carry only where each one is
        List<PrepareItem> shipped = new ArrayList<>(items.size());
        List<byte[]> pixels = new ArrayList<>();
        for (PrepareItem i : items) {
            if (i.raw != null) {
                shipped.add(i.pixelsAt(pixels.size()));
                pixels.add(i.raw);
            } else {
                shipped.add(i);
            }
        }
        Broadcast<byte[][]> raw = pixels.isEmpty() ? null : jsc.broadcast(pixels.toArray(new byte[0][]));
        DecodePartition decoder = new DecodePartition(pre, s.source(), remote, decoded, raw);
        JavaRDD<DecodedItem> rdd = (l.table() != null ? l.table().decode(jsc, items, decoder, parts)
                : jsc.parallelize(shipped, parts).mapPartitions(decoder))
                .persist(StorageLevel.MEMORY_AND_DISK());
        List<DecodedItem> statuses = withProgress("prepare: decode", "images", items.size(), decoded::value,
                () -> new ArrayList<>(rdd.map(DecodedItem::status).collect()));
        statuses.sort(Comparator.comparingInt(d -> d.index));
        if (statuses.size() != items.size()) {
            throw new IllegalStateException("decoded " + statuses.size() + " of " + items.size() + " inputs");
        }

        BatchPlan plan = BatchPlan.of(statuses, s.batch(), l.classes(), s.splitSeed());
        List<String> fileNames = plan.fileNames();
        if (fileNames.isEmpty()) {
            rdd.unpersist(false);
            DecodedItem first = statuses.get(0);
            throw new UserError("no usable input in " + s.source() + ": all " + items.size()
                    + " inputs were skipped, e.g. " + first.name + ": " + first.reason);
        }
        Broadcast<long[]> slots = jsc.broadcast(plan.slotOf());
        LongAccumulator written = jsc.sc().longAccumulator("prepare: files written");
        int writers = Math.max(1, Math.min(parts, fileNames.size()));
        BatchFileWriter writer = new BatchFileWriter(s.out(), fileNames.toArray(new String[0]), pre.channels(),
                pre.height(), pre.width(), l.classes().size(), remote, written);
        Map<String, String> crc = withProgress("prepare: write", "files", fileNames.size(), written::value, () -> {
            Map<String, String> m = new java.util.HashMap<>();
            rdd.mapPartitionsToPair(new ChunkByFile(slots))
                    .repartitionAndSortWithinPartitions(new FilePartitioner(writers))
                    .mapPartitions(writer).collect().forEach(t -> m.put(t._1(), t._2()));
            return m;
        });
        rdd.unpersist(false);
        slots.destroy();
        if (raw != null) {
            raw.destroy();
        }
        if (crc.size() != fileNames.size()) {
            throw new IllegalStateException("wrote " + crc.size() + " of " + fileNames.size() + " minibatch files");
        }

        Manifest m = manifest(l, pre, statuses, plan.withChecksums(crc));
        Reconciliation.check(m, items.size());
        try {
            storage.writeString(manifestPath(), ModelStore.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(m));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        double secs = (System.nanoTime() - start) / 1e9;
        long used = m.splits().values().stream().mapToLong(Manifest.Split::images).sum();
        log.printf(Locale.ROOT, "prepared %,d images (train %,d, val %,d, test %,d) in %d files at %s; %,d inputs "
                        + "skipped (listed in manifest.json); %.1f s, %.0f images/s%n", used,
                m.splits().get("train").images(), m.splits().get("val").images(), m.splits().get("test").images(),
                fileNames.size(), s.out(), items.size() - used, secs, items.size() / secs);
        return m;
    }

    private <T> T withProgress(String what, String unit, long total, LongSupplier done,
                               java.util.function.Supplier<T> work) {
        ProgressPoller p = new ProgressPoller(new Progress(what, unit, total, log), total, done, null);
        try {
            T r = work.get();
            p.finish(null);
            return r;
        } finally {
            p.close();
        }
    }

    Manifest manifest(SourceListing l, Preprocessor pre, List<DecodedItem> statuses, BatchPlan plan) {
        List<String> classes = l.classes();
        Map<String, long[]> perSplit = new LinkedHashMap<>();
        for (String split : SPLITS) {
            // images, skipped, then per class used and per class skipped
            perSplit.put(split, new long[2 + 2 * classes.size()]);
        }
        int c = pre.channels();
        long[] sum = new long[c];
        long[] sq = new long[c];
        long[] allSum = new long[c];
        long[] allSq = new long[c];
        long trainImages = 0;
        long allImages = 0;
        List<Manifest.Skipped> skipped = new ArrayList<>(l.notes());
        for (DecodedItem d : statuses) {
            long[] a = perSplit.get(d.split);
            if (d.ok()) {
                a[0]++;
                a[2 + d.label]++;
                for (int ch = 0; ch < c; ch++) {
                    allSum[ch] += d.sum[ch];
                    allSq[ch] += d.sumSquares[ch];
                    if (d.split.equals("train")) {
                        sum[ch] += d.sum[ch];
                        sq[ch] += d.sumSquares[ch];
                    }
                }
                allImages++;
                if (d.split.equals("train")) {
                    trainImages++;
                }
            } else {
                a[1]++;
                if (d.label >= 0) {
                    a[2 + classes.size() + d.label]++;
                }
                skipped.add(new Manifest.Skipped(d.name, d.split, d.reason));
            }
        }
        Map<String, Manifest.Split> splits = new LinkedHashMap<>();
        perSplit.forEach((split, a) -> {
            Map<String, Long> used = new LinkedHashMap<>();
            Map<String, Long> bad = new LinkedHashMap<>();
            for (int k = 0; k < classes.size(); k++) {
                used.put(classes.get(k), a[2 + k]);
                if (a[2 + classes.size() + k] > 0) {
                    bad.put(classes.get(k), a[2 + classes.size() + k]);
                }
            }
            List<Manifest.BatchFile> files = plan.files().get(split);
            splits.put(split, new Manifest.Split(a[0], files.size(), used, a[1], a[0] + a[1], bad, files));
        });
        List<String> dominated = BatchPlan.dominated(plan.files().get("train"));
        if (!dominated.isEmpty()) {
            log.println("warning: " + dominated.size() + " of " + plan.files().get("train").size() + " training files"
                    + " are dominated by one class, e.g. " + dominated.get(0) + "; steps on them see mostly one class");
        }
        // an ImageFolder class exists because its folder held files; idx and csv name classes from a list
        // (a known data set's), of which a small subset may well use only some
        for (int k = 0; k < classes.size() && s.format().equals("imagefolder"); k++) {
            final int label = k;
            if (perSplit.values().stream().allMatch(a -> a[2 + label] == 0)) {
                // the label order is fixed by the listing, so the class stays; a model can never predict it
                String reason = "class '" + classes.get(k) + "' has no usable image (every file of it was skipped);"
                        + " it stays in the class list so labels keep their order, but no model can learn it";
                skipped.add(new Manifest.Skipped(classes.get(k) + "/", null, reason));
                log.println("warning: " + reason);
            }
        }
        long pixels = (long) pre.width() * pre.height();
        Normalization norm = trainImages > 0 ? stats(sum, sq, trainImages * pixels)
                : stats(allSum, allSq, allImages * pixels);
        Map<String, Object> recipe = new LinkedHashMap<>(pre.recipe());
        recipe.put("split", l.splitRule());
        recipe.put("split_seed", s.splitSeed());
        recipe.put("val_fraction", s.valFraction());
        recipe.put("test_fraction", s.testFraction());
        recipe.put("normalization_from", trainImages > 0 ? "train split" : "all images (the train split is empty)");
        if (l.dataset() != null) {
            recipe.put("dataset", l.dataset());
        }
        recipe.put("sources_listed", statuses.size());
        if (s.maxPerSplit() > 0) {
            recipe.put("max_per_split", s.maxPerSplit());
        }
        return new Manifest(Manifest.FORMAT_VERSION, s.source(), s.format(), classes, pre.channels(), pre.height(),
                pre.width(), s.batch(), norm, splits, skipped, recipe, Instant.now().toString());
    }

    /** Per-channel mean and std in [0, 1] units from exact integer sums. */
    static Normalization stats(long[] sum, long[] sq, long n) {
        double[] mean = new double[sum.length];
        double[] std = new double[sum.length];
        for (int ch = 0; ch < sum.length; ch++) {
            double m = sum[ch] / (double) n;
            double var = sq[ch] / (double) n - m * m;
            mean[ch] = m / 255.0;
            double sd = Math.sqrt(Math.max(0, var)) / 255.0;
            // constant images: dividing by zero at training time would give NaNs
            std[ch] = sd < 1e-6 ? 1.0 : sd;
        }
        return new Normalization(mean, std);
    }
}
