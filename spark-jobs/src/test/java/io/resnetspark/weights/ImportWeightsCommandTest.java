package io.resnetspark.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.resnetspark.model.EvalTransform;
import io.resnetspark.model.Logits;
import io.resnetspark.model.ModelStore;
import io.resnetspark.model.Normalization;
import io.resnetspark.testing.Cli;
import io.resnetspark.testing.S3Server;
import io.resnetspark.testing.Torch;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code resnet-spark import-weights} on files torchvision wrote: the imported model gives torch's logits,
 * whatever the format and the storage, and every bad file ends in one sentence and exit code 2.
 */
class ImportWeightsCommandTest {
    static final int CLASSES = 10;
    static final int SIZE = 64;
    static final int BATCH = 2;

    @TempDir
    static Path dir;
    static Path oracle;

    @BeforeAll
    static void oracle() throws IOException {
        oracle = Torch.resnet("resnet18", Files.createDirectories(dir.resolve("torch")), CLASSES, SIZE, BATCH,
                "pth,safetensors,whole");
    }

    private static String[] importing(String... args) {
        List<String> a = new ArrayList<>(List.of("import-weights"));
        a.addAll(List.of(args));
        return Cli.strings(a.toArray(new String[0]));
    }

    /** The imported zip's logits on the oracle's input, against torch's, relative to their scale. */
    private static double relativeError(File zip) {
        ModelStore.Loaded m = ModelStore.load(zip, zip.getName(), false);
        INDArray x = Nd4j.create(Torch.floats(oracle.resolve("input.bin")), new long[] {BATCH, 3, SIZE, SIZE}, 'c');
        INDArray expected = Nd4j.create(Torch.floats(oracle.resolve("logits.bin")), new long[] {BATCH, CLASSES}, 'c');
        INDArray actual = Logits.of(m.graph(), x);
        return expected.sub(actual).amaxNumber().doubleValue() / expected.amaxNumber().doubleValue();
    }

    @Test
    void pthGivesTorchLogitsAndRecordsTheTransform() {
        File zip = dir.resolve("pth.zip").toFile();
        String[] r = importing("--from", oracle.resolve("weights.pth").toString(), "--model", "resnet18", "--out",
                zip.toString(), "--size", String.valueOf(SIZE));
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("imported resnet18 (10 classes, the file's classifier)"), r[1]);
        double err = relativeError(zip);
        System.out.printf("IMPORT pth: relative logit error %.3g%n", err);
        assertTrue(err < 1e-4, "logits differ from torch's by " + err + " of their scale");

        ModelStore.Loaded m = ModelStore.load(zip, zip.getName(), false);
        assertEquals(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), m.metadata().classes());
        assertArrayEqualsish(Normalization.imagenet().mean(), m.metadata().normalization().mean());
        assertArrayEqualsish(Normalization.imagenet().std(), m.metadata().normalization().std());
        assertEquals(EvalTransform.torchvision(SIZE, SIZE), m.metadata().evalTransform());
    }

    private static void assertArrayEqualsish(double[] expected, double[] actual) {
        assertEquals(Arrays.toString(expected), Arrays.toString(actual));
    }

    @Test
    void safetensorsFromAndToS3WithClassNames() throws Exception {
        Path names = Files.writeString(dir.resolve("names.txt"),
                "tench\ngoldfish\nshark\nray\ncock\nhen\nostrich\nfinch\njunco\nbunting\n", StandardCharsets.UTF_8);
        try (S3Server s3 = new S3Server()) {
            String bucket = s3.bucket("weights");
            s3.client().putObject("weights", "in/weights.safetensors", oracle.resolve("weights.safetensors").toFile());
            s3.client().putObject("weights", "in/names.txt", names.toFile());
            List<String> a = new ArrayList<>(List.of("--from", bucket + "/in/weights.safetensors", "--model",
                    "resnet18", "--out", bucket + "/models/r18.zip", "--class-names", bucket + "/in/names.txt",
                    "--size", String.valueOf(SIZE)));
            for (String set : s3.cliSets()) {
                a.add("--set");
                a.add(set);
            }
            String[] r = importing(a.toArray(new String[0]));
            assertEquals("0", r[0], r[2]);
            File zip = dir.resolve("from-s3.zip").toFile();
            Files.copy(s3.client().getObject("weights", "models/r18.zip").getObjectContent(), zip.toPath());
            double err = relativeError(zip);
            System.out.printf("IMPORT safetensors via s3a: relative logit error %.3g%n", err);
            assertTrue(err < 1e-4, "logits differ from torch's by " + err + " of their scale");
            assertEquals("goldfish", ModelStore.load(zip, "zip", false).metadata().classes().get(1));
        }
    }

    @Test
    void otherClassesNeedANewHead() throws IOException {
        Path names = Files.writeString(dir.resolve("three.txt"), "cat\ndog\nbird\n", StandardCharsets.UTF_8);
        String[] refused = importing("--from", oracle.resolve("weights.pth").toString(), "--model", "resnet18",
                "--out", dir.resolve("three.zip").toString(), "--class-names", names.toString());
        assertRefused(refused, "has a 10-class head");

        String[] r = importing("--from", oracle.resolve("weights.pth").toString(), "--model", "resnet18",
                "--out", dir.resolve("three.zip").toString(), "--class-names", names.toString(), "--new-head");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("(3 classes, a new classifier)"), r[1]);
        ModelStore.Loaded m = ModelStore.load(dir.resolve("three.zip").toFile(), "zip", false);
        assertEquals(List.of("cat", "dog", "bird"), m.metadata().classes());

        String[] again = importing("--from", oracle.resolve("weights.pth").toString(), "--model", "resnet18",
                "--out", dir.resolve("three.zip").toString());
        assertRefused(again, "already exists");
    }

    @Test
    void badFilesEndInOneSentenceAndExitTwo() throws IOException {
        byte[] pth = Files.readAllBytes(oracle.resolve("weights.pth"));
        Path cut = Files.write(dir.resolve("cut.pth"), Arrays.copyOf(pth, pth.length * 6 / 10));
        Path cutSafetensors = Files.write(dir.resolve("cut.safetensors"),
                Arrays.copyOf(Files.readAllBytes(oracle.resolve("weights.safetensors")), pth.length / 2));
        Path text = Files.writeString(dir.resolve("notes.pth"), "these are not weights\n", StandardCharsets.UTF_8);
        String out = dir.resolve("bad.zip").toString();

        assertRefused(importing("--from", cut.toString(), "--model", "resnet18", "--out", out), "cut.pth");
        assertRefused(importing("--from", cutSafetensors.toString(), "--model", "resnet18", "--out", out),
                "cut.safetensors");
        assertRefused(importing("--from", text.toString(), "--model", "resnet18", "--out", out), "notes.pth");
        // ResNet-18's weights given as ResNet-50: the keys that do not fit are named
        assertRefused(importing("--from", oracle.resolve("weights.pth").toString(), "--model", "resnet50", "--out",
                out), "conv3");
        // a pickled nn.Module, not a state dict
        assertRefused(importing("--from", oracle.resolve("whole.pth").toString(), "--model", "resnet18", "--out",
                out), "whole.pth");
        assertRefused(importing("--from", dir.resolve("missing.pth").toString(), "--model", "resnet18", "--out", out),
                "does not exist");
        assertRefused(importing("--from", oracle.resolve("weights.pth").toString(), "--model", "resnet20", "--out",
                out), "resnet20");
        assertFalse(new File(out).exists(), "nothing is written for a refused file");
    }

    private static void assertRefused(String[] r, String named) {
        assertEquals("2", r[0], r[1] + r[2]);
        String err = r[2].strip();
        System.out.println("REFUSED: " + err);
        assertTrue(err.startsWith("error: ") && !err.contains("\n"), "one line: " + err);
        assertFalse(err.contains("Exception") || err.contains("\tat "), "no stack trace: " + err);
        assertTrue(err.contains(named), "names " + named + ": " + err);
    }
}
