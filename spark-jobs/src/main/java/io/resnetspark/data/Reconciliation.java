package io.resnetspark.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The counts of a manifest must add up: every input listed is either used or skipped, per split and
 * per class, and every skipped input is named in the skipped list. Checked before the manifest is
 * written, so a miscounting bug cannot produce a committed data set.
 */
public final class Reconciliation {
    private Reconciliation() {
    }

    public static void check(Manifest m, long listed) {
        List<String> problems = new ArrayList<>();
        long seen = 0;
        for (Map.Entry<String, Manifest.Split> e : m.splits().entrySet()) {
            String split = e.getKey();
            Manifest.Split s = e.getValue();
            seen += s.seen();
            if (s.seen() != s.images() + s.skipped()) {
                problems.add(split + ": seen " + s.seen() + " != used " + s.images() + " + skipped " + s.skipped());
            }
            long perClass = s.perClass().values().stream().mapToLong(Long::longValue).sum();
            if (perClass != s.images()) {
                problems.add(split + ": per-class counts sum to " + perClass + ", not " + s.images());
            }
            long skippedPerClass = s.skippedPerClass().values().stream().mapToLong(Long::longValue).sum();
            if (skippedPerClass > s.skipped()) {
                problems.add(split + ": per-class skips " + skippedPerClass + " exceed skipped " + s.skipped());
            }
            long named = m.skipped().stream().filter(k -> split.equals(k.split()) && !k.path().endsWith("/")).count();
            if (named != s.skipped()) {
                problems.add(split + ": " + named + " skipped inputs are named, " + s.skipped() + " are counted");
            }
            long files = (s.images() + m.batchSize() - 1) / m.batchSize();
            if (s.files() != files) {
                problems.add(split + ": " + s.files() + " files for " + s.images() + " images in batches of "
                        + m.batchSize());
            }
            if (!s.perClass().keySet().equals(new java.util.LinkedHashSet<>(m.classes()))) {
                problems.add(split + ": per-class counts do not name exactly the classes");
            }
        }
        if (seen != listed) {
            problems.add("splits account for " + seen + " inputs but " + listed + " were listed");
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("prepare counts do not reconcile: " + String.join("; ", problems));
        }
    }
}
