package io.resnetspark.model;

/**
 * How an image becomes the network's input at evaluation and prediction time, for models whose
 * weights were trained elsewhere: resize so the shorter side is {@code resizeShorterSide}
 * ({@code interpolation}), crop the centre {@code cropHeight} x {@code cropWidth}, put the channels in
 * {@code channelOrder}, multiply the 0..255 pixels by {@code pixelScale}, then apply the model's
 * {@link Normalization}. Models trained here leave it null: their data manifest fixes the input size.
 */
public record EvalTransform(int resizeShorterSide, int cropHeight, int cropWidth, String interpolation,
                            String channelOrder, double pixelScale) implements java.io.Serializable {

    /**
     * torchvision's ImageNet evaluation transform (Resize(256), CenterCrop(224), ToTensor), scaled
     * to another crop by the same 256/224 ratio.
     */
    public static EvalTransform torchvision(int cropHeight, int cropWidth) {
        int resize = (int) Math.round(Math.min(cropHeight, cropWidth) * 256.0 / 224.0);
        return new EvalTransform(resize, cropHeight, cropWidth, "bilinear", "RGB", 1.0 / 255.0);
    }
}
