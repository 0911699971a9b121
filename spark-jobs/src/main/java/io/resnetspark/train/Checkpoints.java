package io.resnetspark.train;

import io.resnetspark.config.JobConfig;
import io.resnetspark.model.ModelMetadata;
import io.resnetspark.model.ModelStore;
import io.resnetspark.storage.RunLayout;
import io.resnetspark.storage.Storage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * {@code <run>/checkpoints/epoch-NNN.zip}, {@code <run>/best.zip} and {@code <run>/last.zip}. Every file
 * is written beside its final name and renamed into place ({@link Storage#write}), so a file with a
 * checkpoint's name is always complete and the newest one is safe to resume from.
 */
public final class Checkpoints {
    private static final Pattern NAME = Pattern.compile("epoch-(\\d+)\\.zip");

    private final Storage storage;
    private final Path run;

    public Checkpoints(Storage storage, Path run) {
        this.storage = storage;
        this.run = run;
    }

    public Path dir() {
        return new Path(run, RunLayout.CHECKPOINTS);
    }

    public Path epoch(int epoch) {
        return new Path(dir(), String.format(Locale.ROOT, "epoch-%03d.zip", epoch));
    }

    public Path best() {
        return new Path(run, RunLayout.BEST);
    }

    public Path last() {
        return new Path(run, RunLayout.LAST);
    }

    /**
     * The model a run ships ({@code train.ship}): best.zip, the epoch with the highest val top-1, or
     * last.zip, the final epoch, which is the one to ship after a schedule that anneals the learning rate
     * to zero (val top-1 then differs between the last epochs by noise, and picking by it loses).
     */
    public static String shipped(JobConfig c, String run) {
        String file = c.getChoice("train.ship", "best", "last").equals("best") ? RunLayout.BEST : RunLayout.LAST;
        return RunLayout.join(run, file);
    }

    /** The highest epoch with a checkpoint (temporary files of an interrupted write do not count). */
    public OptionalInt newestEpoch() {
        OptionalInt newest = OptionalInt.empty();
        for (FileStatus f : storage.listFiles(dir())) {
            Matcher m = NAME.matcher(f.getPath().getName());
            if (m.matches()) {
                int e = Integer.parseInt(m.group(1));
                if (newest.isEmpty() || e > newest.getAsInt()) {
                    newest = OptionalInt.of(e);
                }
            }
        }
        return newest;
    }

    /** Writes the checkpoint of an epoch and last.zip, and best.zip when {@code best}. */
    public void save(ComputationGraph graph, ModelMetadata metadata, int epoch, boolean best) {
        byte[] zip = serialize(graph, metadata);
        storage.writeBytes(epoch(epoch), zip);
        if (best) {
            storage.writeBytes(best(), zip);
        }
        storage.writeBytes(last(), zip);
    }

    /**
     * Makes last.zip the checkpoint of {@code newest} and best.zip that of {@code bestEpoch}. A save cut
     * short (a killed driver, an object store that went away) leaves the epoch's checkpoint without its
     * aliases, and the rest of the run may never rewrite best.zip. Returns whether anything was rewritten.
     */
    public boolean restoreAliases(int newest, int bestEpoch) {
        boolean last = restore(last(), epoch(newest));
        boolean best = storage.exists(epoch(bestEpoch)) && restore(best(), epoch(bestEpoch));
        return last || best;
    }

    private boolean restore(Path alias, Path checkpoint) {
        if (storage.exists(alias) && storage.sha256(alias).equals(storage.sha256(checkpoint))) {
            return false;
        }
        storage.copy(checkpoint, alias);
        return true;
    }

    public ModelStore.Loaded load(int epoch) {
        Path p = epoch(epoch);
        try (InputStream in = storage.open(p)) {
            return ModelStore.load(in, p.toString(), true);
        } catch (IOException e) {
            throw Storage.unreachable(p, e);
        }
    }

    static byte[] serialize(ComputationGraph graph, ModelMetadata metadata) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);
        try {
            // with the updater state: momentum and Adam moments are needed to resume exactly
            ModelStore.save(graph, metadata, true, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
