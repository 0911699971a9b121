package io.resnetspark.data.format;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * One exported minibatch file ({@code <split>/part-NNNNN.bin}): uint8 pixels in (N, C, H, W) order,
 * an int label per image and the source each image came from (so reports can name the file of a
 * mistake). Four times smaller than float32, and the float conversion and augmentation happen fresh
 * each epoch on the executor (see {@link BatchTransform}).
 *
 * <pre>
 * "RSMB" | int version=1 | int n | int c | int h | int w | int classes
 * | n*c*h*w bytes pixels | n ints labels | n modified-UTF-8 strings sources
 * </pre>
 */
public record Minibatch(int n, int channels, int height, int width, int classes, byte[] pixels, int[] labels,
                        String[] sources) {
    public static final int MAGIC = 0x52534D42; // "RSMB"
    public static final int VERSION = 1;

    public Minibatch {
        if (pixels.length != (long) n * channels * height * width || labels.length != n || sources.length != n) {
            throw new IllegalArgumentException("minibatch arrays do not match " + n + "x" + channels + "x" + height
                    + "x" + width);
        }
    }

    public int imageBytes() {
        return channels * height * width;
    }

    public void write(OutputStream out) throws IOException {
        DataOutputStream d = new DataOutputStream(new BufferedOutputStream(out, 1 << 16));
        d.writeInt(MAGIC);
        d.writeInt(VERSION);
        d.writeInt(n);
        d.writeInt(channels);
        d.writeInt(height);
        d.writeInt(width);
        d.writeInt(classes);
        d.write(pixels);
        for (int l : labels) {
            d.writeInt(l);
        }
        for (String s : sources) {
            d.writeUTF(s == null ? "" : s);
        }
        d.flush();
    }

    /** Reads one minibatch; {@code name} is only for error messages. */
    public static Minibatch read(InputStream in, String name) throws IOException {
        DataInputStream d = new DataInputStream(new BufferedInputStream(in, 1 << 16));
        if (d.readInt() != MAGIC) {
            throw new IOException(name + " is not a resnet-spark minibatch file");
        }
        int version = d.readInt();
        if (version != VERSION) {
            throw new IOException(name + " has minibatch format version " + version + "; this build reads " + VERSION);
        }
        int n = d.readInt();
        int c = d.readInt();
        int h = d.readInt();
        int w = d.readInt();
        int classes = d.readInt();
        byte[] pixels = new byte[n * c * h * w];
        d.readFully(pixels);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = d.readInt();
        }
        String[] sources = new String[n];
        for (int i = 0; i < n; i++) {
            sources[i] = d.readUTF();
        }
        return new Minibatch(n, c, h, w, classes, pixels, labels, sources);
    }
}
