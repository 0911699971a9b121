package io.resnetspark.data.format;

/** An input that cannot be used; the message is the reason written to the manifest. */
public class BadInputException extends Exception {
    private static final long serialVersionUID = 1L;

    public BadInputException(String reason) {
        super(reason, null, false, false);
    }
}
