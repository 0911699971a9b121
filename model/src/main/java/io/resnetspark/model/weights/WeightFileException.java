package io.resnetspark.model.weights;

import io.resnetspark.model.ModelFileException;

/**
 * A weights file that cannot be imported: not a checkpoint, cut short, or made for another network.
 * The message is one sentence that names the file and, where tensors are at fault, their keys.
 */
public class WeightFileException extends ModelFileException {
    public WeightFileException(String message) {
        super(message);
    }

    public WeightFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
