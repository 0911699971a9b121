package io.resnetspark.model;

import java.util.Locale;

/**
 * Everything that decides the shape of a network. Immutable; {@link #builder(String)} starts one and
 * {@link #validated()} resolves defaults (the stem, plain names) and rejects impossible combinations
 * with one sentence naming the option.
 *
 * <p>{@code bnMomentum} uses PyTorch's meaning (weight of the new batch in the running statistics,
 * 0.1 by default); DL4J's "decay" is 1 - momentum. Methods without a "get" prefix are derived values,
 * which Jackson leaves out of the stored metadata.
 */
public record ResNetOptions(String model, int classes, int channels, int height, int width, Stem stem,
                            Shortcut shortcut, boolean residual, boolean includeTop, double dropout,
                            int lastStride, String init, double bnMomentum, double bnEpsilon, long seed)
        implements java.io.Serializable {

    public static Builder builder(String model) {
        return new Builder(model);
    }

    public Builder toBuilder() {
        Builder b = new Builder(model);
        b.classes = classes;
        b.channels = channels;
        b.height = height;
        b.width = width;
        b.stem = stem;
        b.shortcut = shortcut;
        b.residual = residual;
        b.includeTop = includeTop;
        b.dropout = dropout;
        b.lastStride = lastStride;
        b.init = init;
        b.bnMomentum = bnMomentum;
        b.bnEpsilon = bnEpsilon;
        b.seed = seed;
        return b;
    }

    public Architecture architecture() {
        return Architecture.byName(model);
    }

    /** "3x224x224", the form the command line takes. */
    public String inputShape() {
        return channels + "x" + height + "x" + width;
    }

    /** Total downsampling from input to the last feature map. */
    public int totalStride() {
        Architecture a = architecture();
        int s = stem == Stem.IMAGENET ? 4 : 1;
        for (int i = 1; i < a.stages(); i++) {
            s *= (i == a.stages() - 1) ? lastStride : 2;
        }
        return s;
    }

    /** Checks every option; returns a copy with the stem chosen and plain names applied. */
    public ResNetOptions validated() {
        Architecture a = architecture();
        if (classes < 1) {
            throw new ModelOptionException("classes", "must be at least 1, got " + classes);
        }
        if (channels < 1) {
            throw new ModelOptionException("input", "needs at least one channel, got " + channels);
        }
        if (height < 1 || width < 1) {
            throw new ModelOptionException("input", "height and width must be positive, got " + inputShapeText());
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new ModelOptionException("dropout", "must be in [0, 1), got " + dropout);
        }
        if (lastStride != 1 && lastStride != 2) {
            throw new ModelOptionException("last_stride", "must be 1 or 2, got " + lastStride);
        }
        if (!"kaiming".equals(init) && !"xavier".equals(init)) {
            throw new ModelOptionException("init", "must be kaiming or xavier, got '" + init + "'");
        }
        if (!(bnMomentum > 0 && bnMomentum < 1)) {
            throw new ModelOptionException("bn_momentum", "must be in (0, 1), got " + bnMomentum);
        }
        if (!(bnEpsilon > 0)) {
            throw new ModelOptionException("bn_epsilon", "must be positive, got " + bnEpsilon);
        }
        if (a.family() == Architecture.Family.CIFAR && stem == Stem.IMAGENET) {
            throw new ModelOptionException("stem", a.name() + " is a CIFAR-family network and only has the small stem");
        }
        Builder b = toBuilder();
        b.stem = stem == null ? Stem.defaultFor(a, height, width) : stem;
        b.residual = residual && !Architecture.plain(model);
        ResNetOptions r = b.buildUnchecked();
        int need = r.totalStride();
        if (Math.min(height, width) < need) {
            throw new ModelOptionException("input", "input " + inputShapeText() + " is too small for " + a.name()
                    + " with the " + r.stem.name().toLowerCase(Locale.ROOT) + " stem, which downsamples by " + need
                    + "; use at least " + need + "x" + need
                    + (r.stem == Stem.IMAGENET ? " or stem=small" : ""));
        }
        return r;
    }

    private String inputShapeText() {
        return channels + "x" + height + "x" + width;
    }

    /** Parses "CxHxW" (or "HxW" for one channel). */
    public static int[] parseInput(String text) {
        String[] parts = text.trim().toLowerCase(Locale.ROOT).split("x");
        try {
            if (parts.length == 3) {
                return new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2])};
            }
            if (parts.length == 2) {
                return new int[] {1, Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new ModelOptionException("input", "expected CxHxW such as 3x224x224, got '" + text + "'");
    }

    public static final class Builder {
        private final String model;
        private int classes = 1000;
        private int channels = 3;
        private int height = 224;
        private int width = 224;
        private Stem stem;
        private Shortcut shortcut = Shortcut.B;
        private boolean residual = true;
        private boolean includeTop = true;
        private double dropout = 0.0;
        private int lastStride = 2;
        private String init = "kaiming";
        private double bnMomentum = 0.1;
        private double bnEpsilon = 1e-5;
        private long seed = 42;

        private Builder(String model) {
            this.model = model;
        }

        public Builder classes(int v) { classes = v; return this; }
        public Builder input(int c, int h, int w) { channels = c; height = h; width = w; return this; }
        public Builder input(String chw) { int[] s = parseInput(chw); return input(s[0], s[1], s[2]); }
        public Builder stem(Stem v) { stem = v; return this; }
        public Builder shortcut(Shortcut v) { shortcut = v; return this; }
        public Builder residual(boolean v) { residual = v; return this; }
        public Builder includeTop(boolean v) { includeTop = v; return this; }
        public Builder dropout(double v) { dropout = v; return this; }
        public Builder lastStride(int v) { lastStride = v; return this; }
        public Builder init(String v) { init = v == null ? null : v.toLowerCase(Locale.ROOT); return this; }
        public Builder bnMomentum(double v) { bnMomentum = v; return this; }
        public Builder bnEpsilon(double v) { bnEpsilon = v; return this; }
        public Builder seed(long v) { seed = v; return this; }

        /** Builds and validates. */
        public ResNetOptions build() {
            return buildUnchecked().validated();
        }

        ResNetOptions buildUnchecked() {
            return new ResNetOptions(model, classes, channels, height, width, stem, shortcut, residual, includeTop,
                    dropout, lastStride, init, bnMomentum, bnEpsilon, seed);
        }
    }
}
