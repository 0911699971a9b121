package io.resnetspark.data.format;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One training minibatch of an epoch: slice {@code slice} of {@code slices} equal parts of the images of
 * {@code files}, after those images were mixed across the files with the epoch's seed. Mixing a few files
 * per step means no step ever sees only the images of one file, even of data prepared class by class.
 * A plain class, not a record: it travels in a Kryo broadcast, and Kryo cannot set a record's fields.
 */
public final class MixedBatch implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int group;
    private final String[] files;
    private final int slice;
    private final int slices;

    /** @param group the group's number in the epoch: with the epoch seed, it fixes the mixing order */
    public MixedBatch(int group, String[] files, int slice, int slices) {
        this.group = group;
        this.files = files;
        this.slice = slice;
        this.slices = slices;
    }

    public int group() {
        return group;
    }

    public String[] files() {
        return files;
    }

    public int slice() {
        return slice;
    }

    public int slices() {
        return slices;
    }

    /**
     * The minibatches of an epoch (one per file) for the parameter averaging master: the files one worker
     * fits in one averaging round (a unit) form groups of consecutive files, at most {@code groupSize}
     * each, so a worker reads each file once.
     *
     * @return per file: its minibatch
     */
    public static Map<String, MixedBatch> perFile(List<List<String>> units, int groupSize) {
        Map<String, MixedBatch> out = new HashMap<>();
        int group = 0;
        for (List<String> unit : units) {
            for (List<String> g : groups(unit, groupSize)) {
                String[] files = g.toArray(new String[0]);
                for (int i = 0; i < files.length; i++) {
                    out.put(files[i], new MixedBatch(group, files, i, files.length));
                }
                group++;
            }
        }
        return out;
    }

    /**
     * The minibatches of one worker of {@code workers} for the all-reduce master, in step order: every
     * worker gets the same number of steps. Full steps take one file per worker; the files left over
     * (fewer than workers) are mixed as one group that every worker takes an equal slice of, so no image
     * is dropped and no worker idles in the last step.
     */
    public static List<MixedBatch> forWorker(List<String> order, int workers, int worker, int groupSize) {
        int full = order.size() / workers;
        List<String> mine = new ArrayList<>();
        for (int step = 0; step < full; step++) {
            mine.add(order.get(step * workers + worker));
        }
        List<MixedBatch> out = new ArrayList<>();
        int group = 0;
        for (List<String> g : groups(mine, groupSize)) {
            String[] files = g.toArray(new String[0]);
            for (int i = 0; i < files.length; i++) {
                // group numbers differ between workers so that their mixing orders differ
                out.add(new MixedBatch(group * workers + worker, files, i, files.length));
            }
            group++;
        }
        if (order.size() % workers != 0) {
            String[] rest = order.subList(full * workers, order.size()).toArray(new String[0]);
            out.add(new MixedBatch(Integer.MAX_VALUE, rest, worker, workers));
        }
        return out;
    }

    /** {@code files} cut into the fewest groups of at most {@code size}, of sizes that differ by one at most. */
    static List<List<String>> groups(List<String> files, int size) {
        int k = (files.size() + size - 1) / size;
        List<List<String>> out = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            out.add(files.subList(i * files.size() / k, (i + 1) * files.size() / k));
        }
        return out;
    }
}
