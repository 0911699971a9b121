package io.resnetspark.data.remote;

import io.resnetspark.data.format.BatchChecksums;
import io.resnetspark.data.format.Minibatch;
import io.resnetspark.data.format.MixedBatch;
import io.resnetspark.storage.Storage;
import java.io.IOException;
import java.util.Random;

/**
 * Executor side: reads the files of a {@link MixedBatch}'s group, mixes their images and cuts the slice
 * asked for. The last group stays in memory, so the minibatches of one group, which a worker asks for
 * one after the other, read each file once. Not thread-safe: one per task.
 */
public final class GroupMixer {
    private final Storage storage;
    private final BatchChecksums checks;
    private final long seed;
    private int cachedGroup = -1;
    private Minibatch mixed;

    /** @param seed the epoch's seed; with the group number (unique within an epoch) it fixes the mixing order */
    public GroupMixer(Storage storage, BatchChecksums checks, long seed) {
        this.storage = storage;
        this.checks = checks;
        this.seed = seed;
    }

    public Minibatch load(MixedBatch b) throws IOException {
        if (b.group() != cachedGroup) {
            mixed = mix(b);
            cachedGroup = b.group();
        }
        int from = (int) ((long) mixed.n() * b.slice() / b.slices());
        int to = (int) ((long) mixed.n() * (b.slice() + 1) / b.slices());
        return slice(mixed, from, to);
    }

    private Minibatch mix(MixedBatch b) throws IOException {
        Minibatch[] parts = new Minibatch[b.files().length];
        int n = 0;
        for (int i = 0; i < parts.length; i++) {
            parts[i] = checks.read(storage, b.files()[i]);
            if (i > 0 && parts[i].imageBytes() != parts[0].imageBytes()) {
                throw new IOException(b.files()[i] + " holds " + parts[i].channels() + "x" + parts[i].height() + "x"
                        + parts[i].width() + " images, " + b.files()[0] + " " + parts[0].channels() + "x"
                        + parts[0].height() + "x" + parts[0].width() + ": they are not of one prepared data set");
            }
            n += parts[i].n();
        }
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Random r = new Random(seed * 1_000_003L + b.group());
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        Minibatch first = parts[0];
        int bytes = first.imageBytes();
        byte[] pixels = new byte[n * bytes];
        int[] labels = new int[n];
        String[] sources = new String[n];
        int[] partOf = new int[n];
        int[] indexIn = new int[n];
        for (int p = 0, at = 0; p < parts.length; p++) {
            for (int i = 0; i < parts[p].n(); i++, at++) {
                partOf[at] = p;
                indexIn[at] = i;
            }
        }
        for (int to = 0; to < n; to++) {
            Minibatch src = parts[partOf[order[to]]];
            int i = indexIn[order[to]];
            System.arraycopy(src.pixels(), i * bytes, pixels, to * bytes, bytes);
            labels[to] = src.labels()[i];
            sources[to] = src.sources()[i];
        }
        return new Minibatch(n, first.channels(), first.height(), first.width(), first.classes(), pixels, labels,
                sources);
    }

    private static Minibatch slice(Minibatch m, int from, int to) {
        int bytes = m.imageBytes();
        byte[] pixels = java.util.Arrays.copyOfRange(m.pixels(), from * bytes, to * bytes);
        return new Minibatch(to - from, m.channels(), m.height(), m.width(), m.classes(), pixels,
                java.util.Arrays.copyOfRange(m.labels(), from, to), java.util.Arrays.copyOfRange(m.sources(), from, to));
    }
}
