package io.resnetspark.config;

import io.resnetspark.common.UserError;
import io.resnetspark.model.ModelOptionException;
import io.resnetspark.model.ResNetOptions;
import io.resnetspark.model.Shortcut;
import io.resnetspark.model.Stem;
import java.util.Locale;

/** The {@code model.*} keys as {@link ResNetOptions}; the data decides classes and input shape. */
public final class ModelSettings {
    private ModelSettings() {
    }

    public static ResNetOptions options(JobConfig c, int classes, int channels, int height, int width) {
        String stem = c.getChoice("model.stem", "auto", "imagenet", "small");
        try {
            return ResNetOptions.builder(c.getString("model.name"))
                    .classes(classes)
                    .input(channels, height, width)
                    .stem("auto".equals(stem) ? null : Stem.valueOf(stem.toUpperCase(Locale.ROOT)))
                    .shortcut(Shortcut.valueOf(c.getChoice("model.shortcut", "A", "B", "C")))
                    .residual(c.getBoolean("model.residual"))
                    .includeTop(c.getBoolean("model.include-top"))
                    .dropout(c.getDouble("model.dropout"))
                    .lastStride(c.getInt("model.last-stride"))
                    .init(c.getString("model.init"))
                    .bnMomentum(c.getDouble("model.bn-momentum"))
                    .bnEpsilon(c.getDouble("model.bn-epsilon"))
                    .seed(c.getLong("model.seed"))
                    .build();
        } catch (ModelOptionException e) {
            throw new UserError(e.getMessage().replace("model option '", "configuration key 'model.")
                    .replace("'model.model'", "'model.name'"), e);
        }
    }
}
