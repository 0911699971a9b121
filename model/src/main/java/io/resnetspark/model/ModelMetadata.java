package io.resnetspark.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What travels inside every saved model beside DL4J's own entries: the options that built it, the
 * class names in label order, the input normalization, and free-form training facts (epoch,
 * iteration, seed, metrics, config) that checkpoints, model cards and resume read back.
 */
public record ModelMetadata(int formatVersion, ResNetOptions options, List<String> classes,
                            Normalization normalization, Map<String, Object> training)
        implements java.io.Serializable {
    public static final int FORMAT_VERSION = 1;

    public ModelMetadata {
        training = training == null ? new LinkedHashMap<>() : new LinkedHashMap<>(training);
    }

    public static ModelMetadata of(ResNetOptions options, List<String> classes, Normalization normalization) {
        return new ModelMetadata(FORMAT_VERSION, options, List.copyOf(classes), normalization, new LinkedHashMap<>());
    }

    public ModelMetadata withTraining(Map<String, Object> facts) {
        Map<String, Object> merged = new LinkedHashMap<>(training);
        merged.putAll(facts);
        return new ModelMetadata(formatVersion, options, classes, normalization, merged);
    }

    public ModelMetadata withOptions(ResNetOptions newOptions, List<String> newClasses) {
        return new ModelMetadata(formatVersion, newOptions, List.copyOf(newClasses), normalization, training);
    }
}
