package io.resnetspark.testing;

import java.awt.image.BufferedImage;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import javax.imageio.ImageIO;

/**
 * Real Fashion-MNIST images (Debian's dataset-fashion-mnist) written out as an ImageFolder laid out as
 * users have one: {@code root/{train,test}/<class>/<n>.png|jpg}, so listed class by class. Every fifth
 * image is a JPEG and every seventh is stored as RGB, as mixed folders are.
 */
public final class FashionFolder {
    /** Debian's dataset-fashion-mnist (deploy/setup-test-deps installs it). */
    public static final Path IDX = Path.of("/usr/share/datasets/fashion-mnist");
    public static final String[] CLASSES = {"tshirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt",
        "sneaker", "bag", "boot"};

    private FashionFolder() {
    }

    /** Writes {@code trainPerClass} training and {@code testPerClass} test images of each class under root. */
    public static Path write(Path root, int trainPerClass, int testPerClass) throws IOException {
        if (!Files.isDirectory(IDX)) {
            throw new IllegalStateException(IDX + " is missing: run deploy/setup-test-deps (Debian's "
                    + "dataset-fashion-mnist)");
        }
        write(root.resolve("train"), "train", trainPerClass);
        write(root.resolve("test"), "t10k", testPerClass);
        return root;
    }

    private static void write(Path dir, String prefix, int perClass) throws IOException {
        byte[][] images = images(IDX.resolve(prefix + "-images-idx3-ubyte.gz"));
        byte[] labels = labels(IDX.resolve(prefix + "-labels-idx1-ubyte.gz"));
        int[] written = new int[CLASSES.length];
        for (int i = 0; i < labels.length; i++) {
            int c = labels[i];
            if (written[c] == perClass) {
                continue;
            }
            Path classDir = dir.resolve(CLASSES[c]);
            Files.createDirectories(classDir);
            boolean rgb = i % 7 == 0;
            BufferedImage img = new BufferedImage(28, 28, rgb ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_BYTE_GRAY);
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    int v = images[i][y * 28 + x] & 0xFF;
                    if (rgb) {
                        img.setRGB(x, y, v << 16 | v << 8 | v);
                    } else {
                        img.getRaster().setSample(x, y, 0, v);
                    }
                }
            }
            String format = i % 5 == 0 ? "jpg" : "png";
            ImageIO.write(img, format, classDir.resolve(written[c] + "." + format).toFile());
            written[c]++;
        }
    }

    private static byte[][] images(Path gz) throws IOException {
        try (DataInputStream in = open(gz)) {
            in.readInt();
            int n = in.readInt();
            int rows = in.readInt();
            int cols = in.readInt();
            byte[][] out = new byte[n][rows * cols];
            for (byte[] img : out) {
                in.readFully(img);
            }
            return out;
        }
    }

    private static byte[] labels(Path gz) throws IOException {
        try (DataInputStream in = open(gz)) {
            in.readInt();
            byte[] out = new byte[in.readInt()];
            in.readFully(out);
            return out;
        }
    }

    private static DataInputStream open(Path gz) throws IOException {
        InputStream in = new GZIPInputStream(Files.newInputStream(gz), 1 << 16);
        return new DataInputStream(new java.io.BufferedInputStream(in, 1 << 16));
    }
}
