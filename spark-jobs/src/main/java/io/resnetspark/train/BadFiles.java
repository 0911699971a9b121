package io.resnetspark.train;

import io.resnetspark.common.UserError;
import io.resnetspark.data.format.BatchChecksums;
import io.resnetspark.data.format.DamagedFileException;
import io.resnetspark.data.remote.VerifyFiles;
import io.resnetspark.storage.RemoteStorage;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * What training does with minibatch files whose bytes are not the ones prepare wrote ({@code train.on-bad-file}):
 * fail names the first one met in one sentence, however deep in Spark's and DL4J's wrapping it was thrown; skip
 * checks every file once on the executors before the first epoch and leaves the damaged ones out of the run.
 */
final class BadFiles {
    private BadFiles() {
    }

    /**
     * Checks every file of {@code splits} on the cluster, removes the damaged ones from those lists and says so on
     * the console; returns them (for metrics.jsonl).
     */
    @SafeVarargs
    static List<String> leaveOut(JavaSparkContext sc, RemoteStorage remote, Broadcast<BatchChecksums> checks,
                                 PrintStream console, List<String> train, List<String>... others) {
        List<String> all = new ArrayList<>(train);
        for (List<String> o : others) {
            all.addAll(o);
        }
        sc.setJobDescription("train: check " + all.size() + " minibatch files (train.on-bad-file = skip)");
        List<String> found = sc.parallelize(all, Math.max(1, Math.min(all.size(), sc.defaultParallelism() * 4)))
                .mapPartitions(new VerifyFiles(remote, checks)).collect();
        sc.setJobDescription(null);
        Set<String> bad = new HashSet<>();
        List<String> names = new ArrayList<>();
        for (String f : found) {
            String[] fileAndReason = f.split("\t", 2);
            bad.add(fileAndReason[0]);
            names.add(fileAndReason[0]);
            console.println("[train] train.on-bad-file = skip: leaving out " + fileAndReason[1]);
        }
        if (bad.isEmpty()) {
            return List.of();
        }
        train.removeIf(bad::contains);
        for (List<String> o : others) {
            if (!o.isEmpty()) {
                o.removeIf(bad::contains);
            }
        }
        if (train.isEmpty()) {
            throw new UserError("every train minibatch file is damaged (train.on-bad-file = skip left none); prepare the"
                    + " data again (prepare --overwrite)");
        }
        names.sort(null);
        return names;
    }

    /** The one sentence for a damaged file found while epoch {@code epoch} ran; null when {@code e} is not about one. */
    static UserError explain(Exception e, int epoch) {
        DamagedFileException d = DamagedFileException.in(e);
        if (d == null) {
            return null;
        }
        return new UserError(d.getMessage() + ", or set train.on-bad-file = skip to train without it; epoch " + epoch
                + " stopped, and --resume continues from the last checkpoint", e);
    }
}
