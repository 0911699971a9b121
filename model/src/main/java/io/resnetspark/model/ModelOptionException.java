package io.resnetspark.model;

/** A model option that cannot be built; the message is one sentence naming the option. */
public class ModelOptionException extends IllegalArgumentException {
    private final String option;

    public ModelOptionException(String option, String problem) {
        super("model option '" + option + "': " + problem);
        this.option = option;
    }

    public String option() {
        return option;
    }
}
