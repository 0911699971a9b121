package io.resnetspark.cli;

import io.resnetspark.common.UserError;
import io.resnetspark.config.JobConfig;
import java.util.Map;

/** What a command is run with: the validated configuration and the command's own flags. */
public record Invocation(JobConfig config, Map<String, String> local, boolean debug) {

    public String local(String flag, String fallback) {
        return local.getOrDefault(flag, fallback);
    }

    public boolean localSwitch(String flag) {
        return Boolean.parseBoolean(local.getOrDefault(flag, "false"));
    }

    public int localInt(String flag, int fallback) {
        String v = local.get(flag);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new UserError("--" + flag + " expects an integer, got '" + v + "'");
        }
    }
}
