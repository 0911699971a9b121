package io.resnetspark.model.onednn;

/** A oneDNN call failed; the layer that called the helper falls back to DL4J's own code path. */
public final class OneDnnException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public OneDnnException(String message) {
        super(message);
    }
}
