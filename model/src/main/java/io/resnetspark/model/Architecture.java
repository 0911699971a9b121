package io.resnetspark.model;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One row of the model table: the block kind, how many blocks each stage has, how wide each stage is,
 * and the block's width arguments. Depth and variant are data: adding a ResNet, a ResNeXt or a
 * Res2Net is one more row here, never a new builder.
 *
 * <p>The width arguments are torchvision's {@code ResNet(block, layers, groups, width_per_group)} plus
 * Res2Net's scale: the 3x3 stage of a bottleneck-type block is
 * {@code floor(planes * widthPerGroup / 64) * groups * scale} channels wide, split into {@code groups}
 * convolution groups (ResNeXt) or {@code scale} hierarchical parts (Res2Net, where widthPerGroup is the
 * paper's baseWidth). ResNet-50 is (1, 64, 1); wide_resnet50_2 doubles widthPerGroup to 128.
 */
public record Architecture(String name, int depth, Family family, Block block, int[] blocksPerStage,
                           int[] stageWidths, int stemWidth, int groups, int widthPerGroup, int scale) {

    /** ImageNet-style (4 stages, 64..512 wide) or the CIFAR family of the paper (3 stages, 16/32/64). */
    public enum Family { IMAGENET, CIFAR }

    private static final int[] LAYERS_50 = {3, 4, 6, 3};
    private static final int[] LAYERS_101 = {3, 4, 23, 3};

    /** Keyed by {@link #key(String)} of the row's name. */
    private static final Map<String, Architecture> TABLE = new LinkedHashMap<>();

    static {
        imagenet("resnet18", 18, Block.BASIC, new int[] {2, 2, 2, 2}, 1, 64, 1);
        imagenet("resnet34", 34, Block.BASIC, new int[] {3, 4, 6, 3}, 1, 64, 1);
        imagenet("resnet50", 50, Block.BOTTLENECK, LAYERS_50, 1, 64, 1);
        imagenet("resnet101", 101, Block.BOTTLENECK, LAYERS_101, 1, 64, 1);
        imagenet("resnet152", 152, Block.BOTTLENECK, new int[] {3, 8, 36, 3}, 1, 64, 1);
        for (int depth : new int[] {20, 32, 44, 56, 110}) {
            int n = (depth - 2) / 6;
            add(new Architecture("resnet" + depth, depth, Family.CIFAR, Block.BASIC, new int[] {n, n, n},
                    new int[] {16, 32, 64}, 16, 1, 64, 1));
        }
        // torchvision's ResNeXt and Wide ResNet: the bottleneck with other groups / width_per_group
        imagenet("resnext50_32x4d", 50, Block.BOTTLENECK, LAYERS_50, 32, 4, 1);
        imagenet("resnext101_32x8d", 101, Block.BOTTLENECK, LAYERS_101, 32, 8, 1);
        imagenet("resnext101_64x4d", 101, Block.BOTTLENECK, LAYERS_101, 64, 4, 1);
        imagenet("wide_resnet50_2", 50, Block.BOTTLENECK, LAYERS_50, 1, 128, 1);
        imagenet("wide_resnet101_2", 101, Block.BOTTLENECK, LAYERS_101, 1, 128, 1);
        // timm's SE-ResNets, and the Res2Net paper's 26w x 4s networks
        imagenet("seresnet50", 50, Block.SE_BOTTLENECK, LAYERS_50, 1, 64, 1);
        imagenet("seresnet101", 101, Block.SE_BOTTLENECK, LAYERS_101, 1, 64, 1);
        imagenet("res2net50_26w_4s", 50, Block.RES2NET, LAYERS_50, 1, 26, 4);
        imagenet("res2net101_26w_4s", 101, Block.RES2NET, LAYERS_101, 1, 26, 4);
    }

    public Architecture {
        if (block == Block.BASIC && (groups != 1 || widthPerGroup != 64 || scale != 1)) {
            throw new IllegalArgumentException(name + ": the basic block only has groups=1, width 64, scale 1");
        }
        if (block != Block.RES2NET && scale != 1) {
            throw new IllegalArgumentException(name + ": only the Res2Net block splits into scales");
        }
        if (groups < 1 || widthPerGroup < 1 || scale < 1) {
            throw new IllegalArgumentException(name + ": groups, width per group and scale must be positive");
        }
    }

    private static void imagenet(String name, int depth, Block block, int[] blocks, int groups, int widthPerGroup,
                                 int scale) {
        add(new Architecture(name, depth, Family.IMAGENET, block, blocks.clone(), new int[] {64, 128, 256, 512}, 64,
                groups, widthPerGroup, scale));
    }

    private static void add(Architecture a) {
        TABLE.put(key(a.name), a);
    }

    /** Width of what a stage outputs (its block width times the block's expansion). */
    public int stageOutput(int stage) {
        return stageWidths[stage] * block.expansion;
    }

    /**
     * Width of one group (ResNeXt) or one scale part (Res2Net) in a stage's 3x3 convolutions:
     * torchvision's {@code int(planes * (width_per_group / 64.))}; for the basic block, the stage width.
     */
    public int groupWidth(int stage) {
        return stageWidths[stage] * widthPerGroup / 64;
    }

    /** Width of a stage's block interior (its 1x1 reduce output): groups x scale x group width. */
    public int innerWidth(int stage) {
        return groupWidth(stage) * groups * scale;
    }

    public int stages() {
        return blocksPerStage.length;
    }

    public int featureWidth() {
        return stageOutput(stages() - 1);
    }

    /** Every row, in table order. */
    public static List<Architecture> rows() {
        return List.copyOf(TABLE.values());
    }

    /** The names this build knows, for error messages and help text. */
    public static String knownNames() {
        return TABLE.values().stream().map(Architecture::name).collect(Collectors.joining(", "))
                + " (prefix plain instead of resnet for the variant without shortcuts)";
    }

    /**
     * Looks a model name up: "resnet50", "ResNet-50", "50", "ResNeXt50_32x4d", or "plain20" (then
     * {@link #plain(String)} tells the caller to switch residuals off). Case, '-' and '_' do not matter.
     */
    public static Architecture byName(String modelName) {
        String n = key(modelName);
        Architecture a = TABLE.get(n);
        if (a == null) {
            String digits = n.replaceFirst("^(resnet|plain)", "");
            if (digits.matches("\\d{1,4}")) {
                a = TABLE.get("resnet" + Integer.parseInt(digits));
                if (a == null) {
                    throw new ModelOptionException("model", "unknown depth " + digits + " in '" + modelName
                            + "'; known: " + knownNames());
                }
            }
        }
        if (a == null) {
            throw new ModelOptionException("model", "unknown model '" + modelName + "'; known: " + knownNames());
        }
        return a;
    }

    /** True for names that ask for the plain (no residual) network of the same depth. */
    public static boolean plain(String modelName) {
        return key(modelName).startsWith("plain");
    }

    private static String key(String modelName) {
        if (modelName == null) {
            throw new ModelOptionException("model", "no model name given; known: " + knownNames());
        }
        return modelName.trim().toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
    }

    @Override
    public String toString() {
        return name + " " + block + " " + Arrays.toString(blocksPerStage)
                + (groups != 1 || widthPerGroup != 64 || scale != 1
                        ? " groups=" + groups + " width_per_group=" + widthPerGroup + " scale=" + scale : "");
    }
}
