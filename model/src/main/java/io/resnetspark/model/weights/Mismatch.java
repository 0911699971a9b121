package io.resnetspark.model.weights;

import io.resnetspark.model.Architecture;
import io.resnetspark.model.Block;
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
 * network the file's keys look like, since the usual cause is asking for the wrong depth or variant.
 */
final class Mismatch {
    private static final Pattern BLOCK_KEY = Pattern.compile("^layer(\\d+)\\.(\\d+)\\.(.*)$");

    private Mismatch() {
    }

    static void check(String model, String source, List<TorchNames.Slot> slots, Map<String, WeightTensor> file,
                      Map<String, WeightTensor> wholeFile) {
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
        String looksLike = looksLike(wholeFile);
        throw new WeightFileException("weights file " + source + " does not fit " + model + ": "
                + String.join("; ", parts)
                + (looksLike == null || looksLike.equals(model) ? "" : "; the file looks like " + looksLike
                + " weights"));
    }

    private static String count(int n, String one, String many) {
        return n == 1 ? "1 tensor " + one : n + " tensors " + many;
    }

    /**
     * The zoo row the file's keys and shapes describe, or null: its block kind (conv3 means a bottleneck,
     * se.fc1 timm's SE bottleneck, convs.N Res2Net's), the blocks per stage, and the first block's widths
     * (conv1's output is the interior width; the 3x3's weight [out, in / groups, 3, 3] gives the groups;
     * Res2Net's scale is one more than its convs.N).
     */
    static String looksLike(Map<String, WeightTensor> file) {
        TreeMap<Integer, Integer> blocks = new TreeMap<>();
        Block kind = Block.BASIC;
        int res2netConvs = 0;
        for (String k : file.keySet()) {
            Matcher m = BLOCK_KEY.matcher(k);
            if (!m.matches()) {
                continue;
            }
            blocks.merge(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)) + 1, Math::max);
            String rest = m.group(3);
            if (rest.startsWith("convs.")) {
                kind = Block.RES2NET;
                if (k.startsWith("layer1.0.convs.") && k.endsWith(".weight")) {
                    res2netConvs++;
                }
            } else if (rest.startsWith("se.") && kind != Block.RES2NET) {
                kind = Block.SE_BOTTLENECK;
            } else if (rest.startsWith("conv3.") && kind == Block.BASIC) {
                kind = Block.BOTTLENECK;
            }
        }
        WeightTensor reduce = file.get("layer1.0.conv1.weight");
        WeightTensor spatial = file.get(kind == Block.RES2NET ? "layer1.0.convs.0.weight" : "layer1.0.conv2.weight");
        if (blocks.isEmpty() || reduce == null || spatial == null || spatial.shape().length != 4
                || spatial.shape()[1] == 0) {
            return null;
        }
        int[] perStage = blocks.values().stream().mapToInt(Integer::intValue).toArray();
        long inner = reduce.shape()[0];
        long groups = spatial.shape()[0] / spatial.shape()[1];
        int scale = kind == Block.RES2NET ? res2netConvs + 1 : 1;
        for (Architecture a : Architecture.rows()) {
            if (a.family() == Architecture.Family.IMAGENET && a.block() == kind
                    && Arrays.equals(a.blocksPerStage(), perStage) && a.innerWidth(0) == inner
                    && a.groups() == groups && a.scale() == scale) {
                return a.name();
            }
        }
        return null;
    }
}
