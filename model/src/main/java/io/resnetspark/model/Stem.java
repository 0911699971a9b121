package io.resnetspark.model;

/** How the network meets its input. */
public enum Stem {
    /** 7x7 stride-2 convolution then 3x3 stride-2 max pool: divides the input by 4 (224 px images). */
    IMAGENET,
    /** One 3x3 stride-1 convolution, no pool: keeps 28-64 px inputs at full resolution. */
    SMALL;

    /** The stem a model gets when none is asked for: small images would shrink to nothing otherwise. */
    static Stem defaultFor(Architecture arch, int height, int width) {
        if (arch.family() == Architecture.Family.CIFAR) {
            return SMALL;
        }
        return Math.min(height, width) >= 112 ? IMAGENET : SMALL;
    }
}
