package io.resnetspark.common;

/**
 * A problem the user can fix (bad config, missing input, unreachable storage). The CLI prints only
 * the message, one sentence naming what and where, and exits non-zero; stack traces need --debug.
 */
public class UserError extends RuntimeException {
    public UserError(String message) {
        super(message);
    }

    public UserError(String message, Throwable cause) {
        super(message, cause);
    }
}
