package io.resnetspark.cli;

import io.resnetspark.data.PrepareJob;
import io.resnetspark.data.PrepareSettings;
import io.resnetspark.data.Preprocessor;
import io.resnetspark.data.SourceListing;
import io.resnetspark.spark.SparkSetup;
import io.resnetspark.storage.Storage;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * {@code prepare}: shards an image data set (ImageFolder tree, MNIST idx files, pixel CSV) into uint8
 * minibatch files plus a manifest. Everything that can be checked without Spark (settings, the
 * committed output, the source listing) is checked before Spark starts.
 */
public final class PrepareCommand implements Command {
    @Override
    public String name() {
        return "prepare";
    }

    @Override
    public String summary() {
        return "decode, resize and shard images into minibatch files with a manifest";
    }

    @Override
    public Map<String, String> flags() {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("source", "prepare.source");
        f.put("format", "prepare.format");
        f.put("out", "prepare.out");
        f.put("size", "prepare.size");
        f.put("channels", "prepare.channels");
        f.put("batch", "prepare.batch");
        f.put("val-fraction", "prepare.val-fraction");
        f.put("test-fraction", "prepare.test-fraction");
        f.put("split-seed", "prepare.split-seed");
        f.put("partitions", "prepare.partitions");
        return f;
    }

    @Override
    public Map<String, String> switches() {
        return Map.of("overwrite", "prepare.overwrite");
    }

    @Override
    public int run(Invocation inv) {
        PrepareSettings settings = PrepareSettings.from(inv.config());
        Storage storage = new Storage(SparkSetup.hadoop(inv.config()));
        PrepareJob job = new PrepareJob(settings, storage, System.err);
        if (job.alreadyPrepared()) {
            System.out.println("already prepared at " + settings.out() + " (manifest.json present; --overwrite to redo)");
            return 0;
        }
        SourceListing listing = job.list();
        Preprocessor pre = job.preprocessor(listing);
        System.err.printf("prepare: %,d inputs, %d classes, %s -> %dx%dx%d, batch %d%n", listing.items().size(),
                listing.classes().size(), settings.format(), pre.channels(), pre.height(), pre.width(),
                settings.batch());
        boolean ours = SparkSession.getActiveSession().isEmpty() && SparkSession.getDefaultSession().isEmpty();
        SparkSession spark = SparkSetup.start(inv.config(), "prepare");
        try {
            job.run(spark, listing, pre, SparkSetup.executorHadoopSettings(spark, inv.config()));
            System.out.println("prepared " + settings.out());
        } finally {
            if (ours) {
                spark.stop();
            }
        }
        return 0;
    }
}
