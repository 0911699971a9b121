package io.resnetspark.testing;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/** An ImageFolder of real PNG files that a small network separates in a few epochs. */
public final class LearnableImages {
    public static final List<String> CLASSES = List.of("left", "right");

    private LearnableImages() {
    }

    /** {@code perClass} 20x20 grayscale PNGs per class: the bright half is the left or the right one. */
    public static void write(Path root, int perClass) throws IOException {
        Random r = new Random(5);
        for (String cls : CLASSES) {
            Files.createDirectories(root.resolve(cls));
            for (int i = 0; i < perClass; i++) {
                BufferedImage img = new BufferedImage(20, 20, BufferedImage.TYPE_BYTE_GRAY);
                for (int y = 0; y < 20; y++) {
                    for (int x = 0; x < 20; x++) {
                        boolean bright = cls.equals("left") ? x < 10 : x >= 10;
                        img.getRaster().setSample(x, y, 0, (bright ? 170 : 40) + r.nextInt(60));
                    }
                }
                ImageIO.write(img, "png", root.resolve(cls + "/" + i + ".png").toFile());
            }
        }
    }
}
