package io.resnetspark.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.resnetspark.data.KnownDatasets;
import io.resnetspark.data.Manifest;
import io.resnetspark.data.PreparedData;
import io.resnetspark.data.format.Minibatch;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrepareIdxCsvTest {
    /** Debian's dataset-fashion-mnist (deploy/setup-test-deps installs it). */
    static final Path FASHION = Path.of("/usr/share/datasets/fashion-mnist");

    @TempDir
    Path tmp;

    @Test
    void fashionMnistCountsAndFirstTestImageMatchTheIdxFiles() throws Exception {
        assertTrue(Files.isDirectory(FASHION), FASHION + " is missing: run deploy/setup-test-deps");
        Path out = tmp.resolve("fashion");
        long t0 = System.nanoTime();
        String[] r = PrepareCommandTest.prepare("--source", FASHION.toString(), "--format", "idx", "--out",
                out.toString(), "--batch", "512", "--val-fraction", "0", "--test-fraction", "0");
        System.out.printf("Fashion-MNIST prepare wall time: %.1f s%n%s%n", (System.nanoTime() - t0) / 1e9, r[2]);
        assertEquals("0", r[0], r[2]);
        Manifest m = PreparedData.manifest(out);
        assertEquals(KnownDatasets.FASHION_MNIST, m.classes());
        assertEquals(List.of(1, 28, 28), List.of(m.channels(), m.height(), m.width()));
        assertEquals(60_000, m.splits().get("train").images());
        assertEquals(0, m.splits().get("val").images());
        assertEquals(10_000, m.splits().get("test").images());
        for (String c : m.classes()) {
            assertEquals(6_000L, m.splits().get("train").perClass().get(c), c);
            assertEquals(1_000L, m.splits().get("test").perClass().get(c), c);
        }
        assertTrue(m.skipped().isEmpty(), m.skipped().toString());
        assertEquals(118, m.splits().get("train").files());
        // the published Fashion-MNIST train statistics
        assertEquals(0.2860, m.normalization().mean()[0], 1e-3);
        assertEquals(0.3530, m.normalization().std()[0], 1e-3);

        byte[] first = new byte[28 * 28];
        int label;
        try (DataInputStream in = new DataInputStream(new GZIPInputStream(new FileInputStream(
                FASHION.resolve("t10k-images-idx3-ubyte.gz").toFile())))) {
            in.skipNBytes(16);
            in.readFully(first);
        }
        try (DataInputStream in = new DataInputStream(new GZIPInputStream(new FileInputStream(
                FASHION.resolve("t10k-labels-idx1-ubyte.gz").toFile())))) {
            in.skipNBytes(8);
            label = in.readUnsignedByte();
        }
        // prepare shuffles each split before batching: the first idx image is wherever the shuffle put it
        PreparedData.Image img = PreparedData.image(out, "test", "t10k-images-idx3-ubyte.gz#0");
        assertEquals(label, img.label());
        assertArrayEquals(first, img.pixels());
        Minibatch b = PreparedData.batches(out, "test").get(0);
        assertTrue(Arrays.stream(b.labels()).distinct().count() >= 8, "a shuffled file holds most classes");
    }

    static byte[] idx(int magic, int[] dims, byte[] data) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(bytes);
        d.writeInt(magic);
        for (int dim : dims) {
            d.writeInt(dim);
        }
        d.write(data);
        return bytes.toByteArray();
    }

    @Test
    void idxRefusesMismatchedCountsAndSkipsLabelsOutOfRange() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("digits"));
        byte[] px = new byte[5 * 4 * 4];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) i;
        }
        Files.write(dir.resolve("train-images-idx3-ubyte"), idx(0x803, new int[] {5, 4, 4}, px));
        Files.write(dir.resolve("train-labels-idx1-ubyte"), idx(0x801, new int[] {4}, new byte[] {0, 1, 2, 1}));
        String[] bad = PrepareCommandTest.prepare("--source", dir.toString(), "--format", "idx", "--out",
                tmp.resolve("o1").toString());
        assertEquals("2", bad[0], bad[2]);
        assertTrue(bad[2].contains("holds 5 images but") && bad[2].contains("4 labels"), bad[2]);

        Files.write(dir.resolve("train-labels-idx1-ubyte"), idx(0x801, new int[] {5}, new byte[] {0, 1, 2, 1, 0}));
        Path out = tmp.resolve("o2");
        Path conf = tmp.resolve("digits.conf");
        Files.writeString(conf, "prepare { classes = [zero, one] }\n");
        String[] r = PrepareCommandTest.prepare("--source", dir.toString(), "--format", "idx", "--out", out.toString(),
                "--val-fraction", "0", "--size", "8", "--conf", conf.toString());
        assertEquals("0", r[0], r[2]);
        Manifest m = PreparedData.manifest(out);
        assertEquals(List.of("zero", "one"), m.classes());
        assertEquals(4, m.splits().get("train").images());
        assertEquals(1, m.skipped().size());
        assertEquals("train-images-idx3-ubyte#2", m.skipped().get(0).path());
        assertTrue(m.skipped().get(0).reason().contains("label 2 is out of range 0..1"), m.skipped().get(0).reason());
        assertEquals(List.of(1, 8, 8), List.of(m.channels(), m.height(), m.width()));
    }

    @Test
    void ferStyleCsvWithUsageColumnAndBadRows() throws Exception {
        StringBuilder csv = new StringBuilder("emotion,pixels,Usage\n");
        String px16 = String.join(" ", java.util.stream.IntStream.range(0, 16).mapToObj(i -> Integer.toString(i * 16))
                .toList());
        String[] usage = {"Training", "Training", "Training", "PublicTest", "PrivateTest", "Training"};
        for (int i = 0; i < usage.length; i++) {
            csv.append(i % 7).append(',').append(px16).append(',').append(usage[i]).append('\n');
        }
        Map<String, String> bad = new HashMap<>();
        csv.append("9,").append(px16).append(",Training\n");
        bad.put("fer.csv#line8", "label 9 is out of range 0..6");
        csv.append("x,").append(px16).append(",Training\n");
        bad.put("fer.csv#line9", "is not an integer");
        csv.append("3,1 2 3 4 5,Training\n");
        bad.put("fer.csv#line10", "not a square image");
        csv.append("3,1 2 3 4 5 6 7 8 9,Training\n");
        bad.put("fer.csv#line11", "but the data set's images are 4x4");
        csv.append("3,\"").append(px16.replace("240", "300")).append("\",Training\n");
        bad.put("fer.csv#line12", "outside 0..255");
        csv.append("3,").append(px16).append(",Somewhere\n");
        bad.put("fer.csv#line13", "unknown split value");
        Path file = tmp.resolve("fer.csv");
        Files.writeString(file, csv, StandardCharsets.UTF_8);
        Path out = tmp.resolve("fer-out");
        String[] r = PrepareCommandTest.prepare("--source", file.toString(), "--format", "csv", "--out",
                out.toString(), "--batch", "2");
        assertEquals("0", r[0], r[2]);
        Manifest m = PreparedData.manifest(out);
        assertEquals(KnownDatasets.FER2013, m.classes());
        assertEquals(4, m.splits().get("train").images());
        assertEquals(1, m.splits().get("val").images());
        assertEquals(1, m.splits().get("test").images());
        assertEquals(bad.size(), m.skipped().size(), m.skipped().toString());
        for (Manifest.Skipped s : m.skipped()) {
            assertTrue(s.reason().contains(bad.get(s.path())), s.path() + ": " + s.reason());
        }
        Minibatch b = PreparedData.batches(out, "train").get(0);
        assertEquals(List.of(1, 4, 4), List.of(b.channels(), b.height(), b.width()));
        PreparedData.Image first = PreparedData.image(out, "train", "fer.csv#line2");
        assertEquals(0, first.label());
        assertEquals((byte) 240, first.pixels()[15]);
        assertEquals(2, m.splits().get("train").files());
    }
}
