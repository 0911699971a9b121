package io.resnetspark.model;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One row of the depth table: the block type, how many blocks each stage has and how wide each
 * stage is. Depth is data: adding a ResNet is one more row here, never a new builder.
 */
public record Architecture(String name, int depth, Family family, Block block, int[] blocksPerStage,
                           int[] stageWidths, int stemWidth) {

    /** ImageNet-style (4 stages, 64..512 wide) or the CIFAR family of the paper (3 stages, 16/32/64). */
    public enum Family { IMAGENET, CIFAR }

    private static final Map<Integer, Architecture> TABLE = new LinkedHashMap<>();

    static {
        imagenet(18, Block.BASIC, 2, 2, 2, 2);
        imagenet(34, Block.BASIC, 3, 4, 6, 3);
        imagenet(50, Block.BOTTLENECK, 3, 4, 6, 3);
        imagenet(101, Block.BOTTLENECK, 3, 4, 23, 3);
        imagenet(152, Block.BOTTLENECK, 3, 8, 36, 3);
        for (int depth : new int[] {20, 32, 44, 56, 110}) {
            int n = (depth - 2) / 6;
            add(new Architecture("resnet" + depth, depth, Family.CIFAR, Block.BASIC, new int[] {n, n, n},
                    new int[] {16, 32, 64}, 16));
        }
    }

    private static void imagenet(int depth, Block block, int... blocks) {
        add(new Architecture("resnet" + depth, depth, Family.IMAGENET, block, blocks,
                new int[] {64, 128, 256, 512}, 64));
    }

    private static void add(Architecture a) {
        TABLE.put(a.depth, a);
    }

    /** Width of what a stage outputs (its block width times the block's expansion). */
    public int stageOutput(int stage) {
        return stageWidths[stage] * block.expansion;
    }

    public int stages() {
        return blocksPerStage.length;
    }

    public int featureWidth() {
        return stageOutput(stages() - 1);
    }

    /** The depths this build knows, for error messages and help text. */
    public static String knownNames() {
        return TABLE.values().stream().map(Architecture::name).collect(Collectors.joining(", "))
                + " (prefix plain instead of resnet for the variant without shortcuts)";
    }

    /**
     * Looks a model name up: "resnet50", "ResNet-50", "50", or "plain20" (then {@link #plain(String)}
     * tells the caller to switch residuals off).
     */
    public static Architecture byName(String modelName) {
        String n = normalize(modelName);
        String digits = n.replaceFirst("^(resnet|plain)", "");
        if (!digits.matches("\\d{1,4}")) {
            throw new ModelOptionException("model", "unknown model '" + modelName + "'; known: " + knownNames());
        }
        Architecture a = TABLE.get(Integer.parseInt(digits));
        if (a == null) {
            throw new ModelOptionException("model", "unknown depth " + digits + " in '" + modelName + "'; known: "
                    + knownNames());
        }
        return a;
    }

    /** True for names that ask for the plain (no residual) network of the same depth. */
    public static boolean plain(String modelName) {
        return normalize(modelName).startsWith("plain");
    }

    private static String normalize(String modelName) {
        if (modelName == null) {
            throw new ModelOptionException("model", "no model name given; known: " + knownNames());
        }
        return modelName.trim().toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
    }

    @Override
    public String toString() {
        return name + " " + block + " " + Arrays.toString(blocksPerStage);
    }
}
