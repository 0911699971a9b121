package io.resnetspark.model;

import org.nd4j.linalg.learning.config.Adam;

/**
 * Narrow rows of each new block kind, so that training and serialisation tests run in seconds on two
 * cores. Stage 1 has two blocks so that a non-opening block is covered too (for Res2Net that is the
 * block whose parts are chained, its "normal" type). The options name the full row of the same kind,
 * which only serves their validation.
 */
final class TinyRows {
    private static final int[] BLOCKS = {2, 1, 1, 1};
    private static final int[] WIDTHS = {8, 16, 32, 64};

    private TinyRows() {
    }

    /** groups 4 of width planes/4: 2 to 16 channels per group. */
    static final Architecture RESNEXT = new Architecture("tiny_resnext", 50, Architecture.Family.IMAGENET,
            Block.BOTTLENECK, BLOCKS, WIDTHS, 16, 4, 16, 1);
    static final Architecture SE_RESNET = new Architecture("tiny_seresnet", 50, Architecture.Family.IMAGENET,
            Block.SE_BOTTLENECK, BLOCKS, WIDTHS, 16, 1, 64, 1);
    /** 4 parts of floor(planes * 26 / 64) channels: 3 to 26. */
    static final Architecture RES2NET = new Architecture("tiny_res2net", 50, Architecture.Family.IMAGENET,
            Block.RES2NET, BLOCKS, WIDTHS, 16, 1, 26, 4);

    static String fullRow(Architecture tiny) {
        return switch (tiny.block()) {
            case SE_BOTTLENECK -> "seresnet50";
            case RES2NET -> "res2net50_26w_4s";
            default -> "resnext50_32x4d";
        };
    }

    static ResNetOptions options(Architecture tiny, int channels, int size, int classes) {
        return ResNetOptions.builder(fullRow(tiny)).classes(classes).input(channels, size, size).stem(Stem.SMALL)
                .seed(11).build();
    }

    static org.deeplearning4j.nn.graph.ComputationGraph build(Architecture tiny, ResNetOptions o) {
        return ResNetBuilder.build(o, new Optimization(new Adam(1e-3), 0, 0), tiny);
    }
}
