package io.resnetspark.model.weights;

import io.resnetspark.model.Architecture;
import io.resnetspark.model.Block;
import io.resnetspark.model.ModelOptionException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compares a file's tensors with what the network needs and, when they differ, says so in one
 * sentence: the missing, unexpected and mis-shaped keys (a few of each, with counts), and which zoo
 * network the file's keys look like, since the usual cause is asking for the wrong depth.
 */
final class Mismatch {
    private static final Pattern BLOCK_KEY = Pattern.compile("^layer(\\d+)\\.(\\d+)\\.(conv3)?.*");

    private Mismatch() {
    }

    static void check(String model, String source, List<TorchNames.Slot> slots, Map<String, WeightTensor> file,
                      Set<String> allFileKeys) {
        List<String> missing = new ArrayList<>();
        List<String> misshaped = new ArrayList<>();
        Set<String> needed = new HashSet<>();
        for (TorchNames.Slot s : slots) {
            needed.add(s.key());
            WeightTensor t = file.get(s.key());
            if (t == null) {
                missing.add(s.key());
            } else if (!Arrays.equals(t.shape(), s.torchShape())) {
                misshaped.add(s.key() + " is " + t.shapeText() + " where " + model + " needs "
                        + Arrays.toString(s.torchShape()));
            }
        }
        List<String> unexpected = file.keySet().stream().filter(k -> !needed.contains(k)).toList();
        if (missing.isEmpty() && misshaped.isEmpty() && unexpected.isEmpty()) {
            return;
        }
        List<String> parts = new ArrayList<>();
        if (!missing.isEmpty()) {
            parts.add(count(missing.size(), "is", "are") + " missing (" + WeightImport.some(missing) + ")");
        }
        if (!unexpected.isEmpty()) {
            parts.add(count(unexpected.size(), "is", "are") + " unexpected (" + WeightImport.some(unexpected) + ")");
        }
        if (!misshaped.isEmpty()) {
            parts.add(count(misshaped.size(), "has", "have") + " the wrong shape ("
                    + WeightImport.some(misshaped) + ")");
        }
        String looksLike = looksLike(allFileKeys);
        throw new WeightFileException("weights file " + source + " does not fit " + model + ": "
                + String.join("; ", parts)
                + (looksLike == null || looksLike.equals(model) ? "" : "; the file looks like " + looksLike
                + " weights"));
    }

    private static String count(int n, String one, String many) {
        return n == 1 ? "1 tensor " + one : n + " tensors " + many;
    }

    /** The zoo name whose block type and blocks per stage the file's keys show, or null. */
    static String looksLike(Set<String> keys) {
        TreeMap<Integer, Integer> blocks = new TreeMap<>();
        boolean bottleneck = false;
        for (String k : keys) {
            Matcher m = BLOCK_KEY.matcher(k);
            if (m.matches()) {
                blocks.merge(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)) + 1, Math::max);
                bottleneck |= m.group(3) != null;
            }
        }
        if (blocks.isEmpty()) {
            return null;
        }
        int[] perStage = blocks.values().stream().mapToInt(Integer::intValue).toArray();
        int depth = Arrays.stream(perStage).sum() * (bottleneck ? 3 : 2) + 2;
        try {
            Architecture a = Architecture.byName("resnet" + depth);
            boolean same = a.block() == (bottleneck ? Block.BOTTLENECK : Block.BASIC)
                    && Arrays.equals(a.blocksPerStage(), perStage);
            return same ? a.name() : null;
        } catch (ModelOptionException e) {
            return null;
        }
    }
}
