package io.resnetspark.data;

import io.resnetspark.common.UserError;
import io.resnetspark.data.format.PrepareItem;
import io.resnetspark.data.format.SplitHash;
import io.resnetspark.storage.Storage;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.fs.Path;

/**
 * Reads an MNIST-format directory on the driver, streaming: {@code train-images-idx3-ubyte} with
 * {@code train-labels-idx1-ubyte}, and optionally the {@code t10k-*} pair, each gzipped or not.
 * train records go to train/val by the hash of their name and the val fraction; t10k records are the
 * test split. A pair whose image and label counts differ is refused as a whole.
 */
public final class IdxSource {
    static final int IMAGES_MAGIC = 0x00000803;
    static final int LABELS_MAGIC = 0x00000801;

    private IdxSource() {
    }

    /**
     * @param classes class names from the configuration; empty = recognise the data set or number the
     *                labels found
     */
    public static SourceListing list(Storage storage, Path dir, SplitHash hash, List<String> classes) {
        Path trainImages = find(storage, dir, "train-images-idx3-ubyte", true);
        Path trainLabels = find(storage, dir, "train-labels-idx1-ubyte", true);
        Path testImages = find(storage, dir, "t10k-images-idx3-ubyte", false);
        Path testLabels = find(storage, dir, "t10k-labels-idx1-ubyte", false);
        if ((testImages == null) != (testLabels == null)) {
            throw new UserError("prepare.source " + dir + " has only one of t10k-images-idx3-ubyte and "
                    + "t10k-labels-idx1-ubyte; both or neither are needed");
        }
        byte[] trainY = labels(storage, trainLabels);
        byte[] testY = testLabels == null ? new byte[0] : labels(storage, testLabels);
        String dataset = null;
        List<String> names = classes;
        if (names.isEmpty()) {
            if (dir.toString().toLowerCase(Locale.ROOT).contains("fashion")) {
                dataset = "fashion-mnist";
                names = KnownDatasets.FASHION_MNIST;
            } else {
                int max = -1;
                for (byte b : trainY) {
                    max = Math.max(max, b & 0xFF);
                }
                for (byte b : testY) {
                    max = Math.max(max, b & 0xFF);
                }
                names = KnownDatasets.numbered(max + 1);
            }
        }
        List<PrepareItem> items = new ArrayList<>();
        int[] size = new int[2];
        read(storage, trainImages, trainY, trainLabels, names.size(), items, size, name -> {
            // the val fraction alone decides: the test split is the t10k files
            return hash.unit(name) < hash.val() ? "val" : "train";
        });
        if (testImages != null) {
            read(storage, testImages, testY, testLabels, names.size(), items, size, name -> "test");
        }
        for (int i = 0; i < items.size(); i++) {
            items.get(i).index = i;
        }
        String rule = String.format(Locale.ROOT, "t10k files are test; train files split by hash (val %.3f)",
                hash.val());
        return new SourceListing(names, items, dataset, size[1], size[0], rule, List.of());
    }

    private static Path find(Storage storage, Path dir, String base, boolean required) {
        for (String name : new String[] {base + ".gz", base}) {
            Path p = new Path(dir, name);
            if (storage.exists(p)) {
                return p;
            }
        }
        if (required) {
            throw new UserError("prepare.source " + dir + " has no " + base + "[.gz] (an idx source is the directory "
                    + "holding train-images-idx3-ubyte, train-labels-idx1-ubyte and optionally the t10k-* pair)");
        }
        return null;
    }

    private static DataInputStream open(Storage storage, Path p) throws IOException {
        InputStream in = new BufferedInputStream(storage.open(p), 1 << 16);
        if (p.getName().endsWith(".gz")) {
            in = new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
        }
        return new DataInputStream(in);
    }

    static byte[] labels(Storage storage, Path p) {
        try (DataInputStream in = open(storage, p)) {
            int magic = in.readInt();
            if (magic != LABELS_MAGIC) {
                throw new UserError(p + " is not an idx1 label file (magic " + Integer.toHexString(magic) + ")");
            }
            int n = in.readInt();
            byte[] y = new byte[n];
            in.readFully(y);
            return y;
        } catch (EOFException e) {
            throw new UserError(p + " is truncated: it ends before the number of labels its header gives");
        } catch (IOException e) {
            throw Storage.unreachable(p, e);
        }
    }

    private static void read(Storage storage, Path p, byte[] y, Path labelFile, int classes, List<PrepareItem> items,
                             int[] size, java.util.function.Function<String, String> split) {
        try (DataInputStream in = open(storage, p)) {
            int magic = in.readInt();
            if (magic != IMAGES_MAGIC) {
                throw new UserError(p + " is not an idx3 image file (magic " + Integer.toHexString(magic) + ")");
            }
            int n = in.readInt();
            int rows = in.readInt();
            int cols = in.readInt();
            if (n != y.length) {
                throw new UserError(p + " holds " + n + " images but " + labelFile + " holds " + y.length
                        + " labels; the pair is refused");
            }
            if (size[0] != 0 && (size[0] != rows || size[1] != cols)) {
                throw new UserError(p + " holds " + rows + "x" + cols + " images but the train files hold "
                        + size[0] + "x" + size[1]);
            }
            size[0] = rows;
            size[1] = cols;
            String file = p.getName();
            for (int i = 0; i < n; i++) {
                byte[] px = new byte[rows * cols];
                in.readFully(px);
                String name = file + "#" + i;
                int label = y[i] & 0xFF;
                if (label >= classes) {
                    items.add(PrepareItem.skipped(name, split.apply(name), -1,
                            "label " + label + " is out of range 0.." + (classes - 1)));
                } else {
                    items.add(PrepareItem.raw(name, split.apply(name), label, px, cols, rows));
                }
            }
        } catch (EOFException e) {
            throw new UserError(p + " is truncated: it ends before the number of images its header gives");
        } catch (IOException e) {
            throw Storage.unreachable(p, e);
        }
    }
}
