package io.resnetspark.cli;

import java.util.Map;

/** One subcommand of the application. */
public interface Command {
    String name();

    /** One line for the usage text. */
    String summary();

    /** Flags that take a value, mapped to the configuration key they set; "" = a flag of the command itself. */
    Map<String, String> flags();

    /** Flags without a value, mapped like {@link #flags()} (they set the key to true). */
    default Map<String, String> switches() {
        return Map.of();
    }

    /** Runs the command; returns the exit code. */
    int run(Invocation inv) throws Exception;
}
