package io.resnetspark.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.resnetspark.data.format.BatchChecksums;
import io.resnetspark.data.format.Minibatch;
import io.resnetspark.data.format.MixedBatch;
import io.resnetspark.data.remote.GroupMixer;
import io.resnetspark.storage.Storage;
import io.resnetspark.testing.SyntheticData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training minibatches mix images across files, and an epoch still uses every image exactly once. */
class MixedBatchTest {
    @TempDir
    Path tmp;

    List<String> files(int n) throws Exception {
        Path data = SyntheticData.write(tmp.resolve("data"), 1, 8, 16, n, 1, 5);
        try (Stream<Path> s = Files.list(data.resolve("train"))) {
            return s.map(p -> p.toUri().toString()).sorted().toList();
        }
    }

    @Test
    void averagingPlanMixesWithinRoundsAndUsesEveryImageOnce() throws Exception {
        List<String> order = files(11);
        List<List<String>> units = List.of(order.subList(0, 5), order.subList(5, 10), order.subList(10, 11));
        Map<String, MixedBatch> plan = MixedBatch.perFile(units, 4);
        assertEquals(11, plan.size());
        // units of 5 files cut into balanced groups of at most 4 (2 + 3, 2 + 3), and the last unit of 1
        assertEquals(List.of(1, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3),
                order.stream().map(f -> plan.get(f).files().length).sorted().toList());
        for (int i = 0; i < order.size(); i++) {
            MixedBatch b = plan.get(order.get(i));
            assertTrue(List.of(b.files()).contains(order.get(i)));
            int unit = i / 5;
            for (String member : b.files()) {
                assertEquals(unit, order.indexOf(member) / 5, "a group never crosses a round's unit");
            }
        }
        List<MixedBatch> batches = order.stream().map(plan::get).toList();
        assertEveryImageOnce(order, batches);
    }

    @Test
    void sharingPlanGivesEveryWorkerTheSameStepsAndUsesEveryImageOnce() throws Exception {
        List<String> order = files(7);
        List<MixedBatch> all = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            List<MixedBatch> mine = MixedBatch.forWorker(order, 3, w, 2);
            assertEquals(3, mine.size(), "7 files on 3 workers: 2 full steps and one leftover slice each");
            all.addAll(mine);
        }
        assertEveryImageOnce(order, all);
    }

    private static void assertEveryImageOnce(List<String> order, List<MixedBatch> batches) throws Exception {
        Storage storage = new Storage(new Configuration());
        Set<String> expected = new HashSet<>();
        for (String f : order) {
            try (var in = storage.open(Storage.path(f))) {
                expected.addAll(List.of(Minibatch.read(in, f).sources()));
            }
        }
        List<String> seen = new ArrayList<>();
        GroupMixer mixer = new GroupMixer(storage, BatchChecksums.NONE, 42);
        boolean mixedAcrossFiles = false;
        for (MixedBatch b : batches) {
            Minibatch m = mixer.load(b);
            seen.addAll(List.of(m.sources()));
            // sources are <split>/<file>/<image>.png: a minibatch of a group of several files holds several
            mixedAcrossFiles |= Stream.of(m.sources()).map(s -> s.split("/")[1]).distinct().count() > 1;
        }
        assertEquals(expected.size(), seen.size(), "no image twice");
        assertEquals(expected, new HashSet<>(seen), "every image once");
        assertTrue(mixedAcrossFiles, "minibatches must mix images of several files");
    }
}
