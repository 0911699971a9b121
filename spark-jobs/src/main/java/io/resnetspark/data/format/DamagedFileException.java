package io.resnetspark.data.format;

import io.resnetspark.common.UserError;

/**
 * A minibatch file whose bytes are not the ones prepare wrote (its CRC32C differs from the manifest's, Hadoop's
 * own checksum refuses it, or it cannot be parsed). Thrown on executors; a {@link UserError} so that the driver,
 * which finds it in the cause chain of Spark's and DL4J's wrapping, prints its one sentence.
 */
public final class DamagedFileException extends UserError {
    private static final long serialVersionUID = 1L;

    private final String file;

    public DamagedFileException(String file, String why) {
        super("minibatch file " + file + " is damaged: " + why + "; prepare the data again (prepare --overwrite)");
        this.file = file;
    }

    /** The file's URI as the reader was given it. */
    public String file() {
        return file;
    }

    /** The first damaged-file failure in a chain of causes, or null. */
    public static DamagedFileException in(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof DamagedFileException d) {
                return d;
            }
        }
        return null;
    }
}
