package io.resnetspark.model;

/** A model file that cannot be used; the message says which file and why, in one sentence. */
public class ModelFileException extends RuntimeException {
    public ModelFileException(String message) {
        super(message);
    }

    public ModelFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
