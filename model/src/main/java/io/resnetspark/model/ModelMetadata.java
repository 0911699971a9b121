package io.resnetspark.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What travels inside every saved model beside DL4J's own entries: the options that built it, the
 * class names in label order, the input normalization, free-form training facts (epoch,
 * iteration, seed, metrics, config) that checkpoints, model cards and resume read back, and, for
 * imported weights, the image transform they expect ({@code evalTransform}; null otherwise, and in
 * files written before it existed).
 */
public record ModelMetadata(int formatVersion, ResNetOptions options, List<String> classes,
                            Normalization normalization, Map<String, Object> training, EvalTransform evalTransform)
        implements java.io.Serializable {
    public static final int FORMAT_VERSION = 1;

    public ModelMetadata {
        training = training == null ? new LinkedHashMap<>() : new LinkedHashMap<>(training);
    }

    /** The form from before {@code evalTransform}, so code that builds metadata field by field still compiles. */
    public ModelMetadata(int formatVersion, ResNetOptions options, List<String> classes, Normalization normalization,
                         Map<String, Object> training) {
        this(formatVersion, options, classes, normalization, training, null);
    }

    public static ModelMetadata of(ResNetOptions options, List<String> classes, Normalization normalization) {
        return new ModelMetadata(FORMAT_VERSION, options, List.copyOf(classes), normalization, new LinkedHashMap<>(),
                null);
    }

    public ModelMetadata withTraining(Map<String, Object> facts) {
        Map<String, Object> merged = new LinkedHashMap<>(training);
        merged.putAll(facts);
        return new ModelMetadata(formatVersion, options, classes, normalization, merged, evalTransform);
    }

    public ModelMetadata withOptions(ResNetOptions newOptions, List<String> newClasses) {
        return new ModelMetadata(formatVersion, newOptions, List.copyOf(newClasses), normalization, training,
                evalTransform);
    }

    public ModelMetadata withEvalTransform(EvalTransform transform) {
        return new ModelMetadata(formatVersion, options, classes, normalization, training, transform);
    }
}
