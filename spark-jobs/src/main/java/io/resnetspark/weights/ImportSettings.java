package io.resnetspark.weights;

import io.resnetspark.config.JobConfig;

/** The {@code import-weights.*} keys, checked before the weights file is read. */
public record ImportSettings(String from, String model, String out, String classNames, boolean newHead, int size,
                             boolean overwrite) {

    public static ImportSettings from(JobConfig c) {
        return new ImportSettings(
                c.require("import-weights.from", "weights file (--from: a PyTorch .pth/.pt or a .safetensors)"),
                c.require("import-weights.model", "zoo model the weights are for (--model, e.g. resnet50)"),
                c.require("import-weights.out", "model zip to write (--out)"),
                c.getString("import-weights.class-names").trim(),
                c.getBoolean("import-weights.new-head"),
                c.getInt("import-weights.size", 32, 4096),
                c.getBoolean("import-weights.overwrite"));
    }
}
