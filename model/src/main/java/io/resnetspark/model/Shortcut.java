package io.resnetspark.model;

/** The shortcut options of He et al. 2015, section 4.1. */
public enum Shortcut {
    /** Identity everywhere; where the shape changes, subsample and zero-pad the extra channels (no parameters). */
    A,
    /** Identity where shapes match, 1x1 projection + BN where they change (torchvision's choice). */
    B,
    /** A 1x1 projection + BN on every block. */
    C
}
