package io.resnetspark.model;

/** The two residual block shapes of He et al. 2015; {@code expansion} is output width / block width. */
public enum Block {
    /** Two 3x3 convolutions (ResNet-18/34 and the CIFAR family). */
    BASIC(1),
    /** 1x1 reduce, 3x3 (carries the stride, as in torchvision's "ResNet v1.5"), 1x1 expand. */
    BOTTLENECK(4);

    public final int expansion;

    Block(int expansion) {
        this.expansion = expansion;
    }
}
