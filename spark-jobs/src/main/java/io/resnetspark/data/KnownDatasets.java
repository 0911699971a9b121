package io.resnetspark.data;

import java.util.List;

/** Class names of the data sets prepare recognises, in label order. */
public final class KnownDatasets {
    private KnownDatasets() {
    }

    public static final List<String> FASHION_MNIST = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    public static final List<String> FER2013 = List.of("Angry", "Disgust", "Fear", "Happy", "Sad", "Surprise",
            "Neutral");

    /** "0".."k-1" for data sets that are not recognised. */
    public static List<String> numbered(int k) {
        return java.util.stream.IntStream.range(0, k).mapToObj(Integer::toString).toList();
    }
}
