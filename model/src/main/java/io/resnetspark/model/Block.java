package io.resnetspark.model;

/**
 * The residual block kinds; {@code expansion} is output width / stage width. Each kind is one method of
 * {@link ResNetBuilder}; the width arguments (groups, width per group, scale) come from the
 * {@link Architecture} row.
 */
public enum Block {
    /** Two 3x3 convolutions (ResNet-18/34 and the CIFAR family). */
    BASIC(1),
    /**
     * 1x1 reduce, 3x3 (carries the stride, as in torchvision's "ResNet v1.5", and the groups of ResNeXt),
     * 1x1 expand.
     */
    BOTTLENECK(4),
    /**
     * The bottleneck with a squeeze-and-excitation module after its last batch norm (timm's layout: global
     * average pool, 1x1 conv with bias, ReLU, 1x1 conv with bias, sigmoid, channel-wise product).
     */
    SE_BOTTLENECK(4),
    /**
     * Res2Net's Bottle2neck: the 1x1 reduce output is split into {@code scale} parts; every part but the
     * last goes through its own 3x3 convolution, each fed the previous part's output plus its own part
     * (in a stage's first block the parts are independent and the last one is average-pooled instead).
     */
    RES2NET(4);

    /** timm's SE reduction: the squeezed width is channels / 16, rounded to a multiple of 8. */
    public static final int SE_REDUCTION = 16;
    public static final int SE_DIVISOR = 8;

    public final int expansion;

    Block(int expansion) {
        this.expansion = expansion;
    }

    /**
     * The squeezed width of an SE module on {@code channels}: timm's SEModule computes
     * {@code make_divisible(channels / 16, 8, round_limit=0)}, the nearest multiple of 8 (halves up), at least 8.
     */
    public static int seWidth(int channels) {
        double v = (double) channels / SE_REDUCTION;
        return Math.max(SE_DIVISOR, (int) (v + SE_DIVISOR / 2.0) / SE_DIVISOR * SE_DIVISOR);
    }
}
