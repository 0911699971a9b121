package io.resnetspark.model;

/**
 * How uint8 pixels become network input: {@code (pixel / 255 - mean[c]) / std[c]}. Stored with every
 * model so that evaluation and prediction preprocess exactly as training did.
 */
public record Normalization(double[] mean, double[] std) implements java.io.Serializable {
    public static final double[] IMAGENET_MEAN = {0.485, 0.456, 0.406};
    public static final double[] IMAGENET_STD = {0.229, 0.224, 0.225};

    public static Normalization imagenet() {
        return new Normalization(IMAGENET_MEAN.clone(), IMAGENET_STD.clone());
    }

    public int channels() {
        return mean.length;
    }
}
