package io.resnetspark.eval.remote;

import io.resnetspark.data.format.BatchChecksums;
import io.resnetspark.data.format.Minibatch;
import io.resnetspark.scoring.Prediction;
import io.resnetspark.storage.RemoteStorage;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import scala.Tuple2;

/**
 * Executor side of the report's pictures of mistakes: reads each minibatch file that holds one of the kept
 * mistakes (the driver sends only those, a few dozen at most) and yields a small PNG of each asked-for image,
 * as it went into the network (the prepared pixels, before normalization).
 */
public final class Thumbnails implements FlatMapFunction<Iterator<Tuple2<String, int[]>>, Tuple2<String, byte[]>> {
    private static final long serialVersionUID = 1L;

    /** Longest side of a thumbnail; smaller images keep their size (the page scales them up without smoothing). */
    public static final int MAX_SIDE = 96;

    private final RemoteStorage remote;
    private final Broadcast<BatchChecksums> checks;

    public Thumbnails(RemoteStorage remote, Broadcast<BatchChecksums> checks) {
        this.remote = remote;
        this.checks = checks;
    }

    /** The key of a prediction's thumbnail, or null when it does not say where its image is. */
    public static String key(Prediction p) {
        return p.file == null ? null : key(p.file, p.index);
    }

    static String key(String file, int index) {
        return file + "#" + index;
    }

    @Override
    public Iterator<Tuple2<String, byte[]>> call(Iterator<Tuple2<String, int[]>> files) {
        List<Tuple2<String, byte[]>> out = new ArrayList<>();
        while (files.hasNext()) {
            Tuple2<String, int[]> f = files.next();
            Minibatch m = checks.value().read(remote.storage(), f._1());
            for (int i : f._2()) {
                if (i >= 0 && i < m.n()) {
                    out.add(new Tuple2<>(key(f._1(), i), png(m, i)));
                }
            }
        }
        return out.iterator();
    }

    /** Image {@code i} of a minibatch as a PNG, shrunk to {@link #MAX_SIDE} when larger. */
    public static byte[] png(Minibatch m, int i) {
        int w = m.width();
        int h = m.height();
        int plane = w * h;
        int at = i * m.imageBytes();
        boolean gray = m.channels() == 1;
        BufferedImage img = new BufferedImage(w, h, gray ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        byte[] px = m.pixels();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int o = at + y * w + x;
                if (gray) {
                    img.getRaster().setSample(x, y, 0, px[o] & 0xFF);
                } else {
                    img.setRGB(x, y, (px[o] & 0xFF) << 16 | (px[o + plane] & 0xFF) << 8 | (px[o + 2 * plane] & 0xFF));
                }
            }
        }
        int side = Math.max(w, h);
        if (side > MAX_SIDE) {
            int tw = Math.max(1, w * MAX_SIDE / side);
            int th = Math.max(1, h * MAX_SIDE / side);
            BufferedImage small = new BufferedImage(tw, th, img.getType());
            Graphics2D g = small.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(img, 0, 0, tw, th, null);
            g.dispose();
            img = small;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
