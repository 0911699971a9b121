package io.resnetspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.resnetspark.model.ModelMetadata;
import io.resnetspark.model.ModelStore;
import io.resnetspark.model.Normalization;
import io.resnetspark.model.Optimization;
import io.resnetspark.model.ResNetBuilder;
import io.resnetspark.model.ResNetOptions;
import io.resnetspark.testing.Cli;
import io.resnetspark.testing.LearnableImages;
import io.resnetspark.testing.SyntheticData;
import java.io.File;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files that are not (our) models, through every command that reads one: evaluate, predict and
 * export each answer in one sentence naming the file, exit 2, and write nothing committed.
 */
class BadModelFilesTest {
    @TempDir
    static Path dir;
    static Path data;
    static Path images;
    static final Map<String, String> BAD = new LinkedHashMap<>();

    static ResNetOptions options(int channels, int classes) {
        return ResNetOptions.builder("resnet20").classes(classes).input(channels, 8, 8).seed(1).build();
    }

    static File save(String name, ResNetOptions o, List<String> classes) throws Exception {
        ComputationGraph g = ResNetBuilder.build(o, Optimization.defaults());
        double[] m = new double[o.channels()];
        java.util.Arrays.fill(m, 0.5);
        File f = dir.resolve(name).toFile();
        ModelStore.save(g, ModelMetadata.of(o, classes, new Normalization(m, m)), false, f);
        return f;
    }

    @BeforeAll
    static void files() throws Exception {
        data = SyntheticData.write(Files.createDirectories(dir.resolve("data")), 1, 8, 8, 1, 1, 7);
        LearnableImages.write(images = dir.resolve("images"), 2);

        Files.writeString(dir.resolve("notes.zip"), "meeting notes, not a model");
        BAD.put("notes.zip", "not a readable zip");
        Files.write(dir.resolve("zero.zip"), new byte[0]);
        BAD.put("zero.zip", "empty file");
        File good = save("good.zip", options(1, 4), SyntheticData.CLASSES);
        File truncated = dir.resolve("truncated.zip").toFile();
        Files.copy(good.toPath(), truncated.toPath());
        try (RandomAccessFile raf = new RandomAccessFile(truncated, "rw")) {
            raf.setLength(raf.length() * 2 / 3);
        }
        BAD.put("truncated.zip", "not a readable zip");
        // a DL4J model of the same network, saved without resnet-spark's metadata
        ModelSerializer.writeModel(ResNetBuilder.build(options(1, 4), Optimization.defaults()),
                dir.resolve("plain-dl4j.zip").toFile(), false);
        BAD.put("plain-dl4j.zip", "not written by resnet-spark");
        // a zip that is not a DL4J model at all
        try (var zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(dir.resolve("photos.zip")))) {
            zip.putNextEntry(new java.util.zip.ZipEntry("holiday.jpg"));
            zip.write(new byte[] {1, 2, 3});
        }
        BAD.put("photos.zip", "not a DL4J model");

        // resnet-spark models of another task: three classes, or three input channels
        save("three-classes.zip", options(1, 3), List.of("a", "b", "c"));
        save("color.zip", options(3, 4), SyntheticData.CLASSES);
    }

    static void oneSentence(Cli.Outcome r, String what, String... parts) {
        String err = r.err().strip();
        assertEquals(Main.USAGE, r.code(), what + ": " + r.err());
        List<String> errors = err.lines().filter(l -> l.startsWith("error: ")).toList();
        assertEquals(1, errors.size(), what + ": " + err);
        assertFalse(err.contains("\tat "), what + ": no stack trace: " + err);
        for (String p : parts) {
            assertTrue(errors.get(0).contains(p), what + ": '" + p + "' in " + errors.get(0));
        }
    }

    static Cli.Outcome cli(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--set", "spark.master=local[1]", "--set", "spark.conf.\"spark.ui.enabled\"=false"));
        return Cli.run(all.toArray(new String[0]));
    }

    @Test
    void evaluateRefusesEveryBadModelFile() {
        for (Map.Entry<String, String> bad : BAD.entrySet()) {
            Path out = dir.resolve("eval-" + bad.getKey());
            Cli.Outcome r = cli("evaluate", "--model", dir.resolve(bad.getKey()).toString(), "--data", data.toString(),
                    "--split", "val", "--out", out.toString());
            oneSentence(r, "evaluate " + bad.getKey(), bad.getKey(), bad.getValue());
            assertFalse(Files.exists(out.resolve("_SUCCESS")));
        }
    }

    @Test
    void evaluateRefusesAModelOfAnotherTask() {
        Cli.Outcome classes = cli("evaluate", "--model", dir.resolve("three-classes.zip").toString(), "--data",
                data.toString(), "--split", "val", "--out", dir.resolve("eval-3").toString());
        oneSentence(classes, "three classes", "three-classes.zip", "was trained on [a, b, c] (3)");
        Cli.Outcome shape = cli("evaluate", "--model", dir.resolve("color.zip").toString(), "--data", data.toString(),
                "--split", "val", "--out", dir.resolve("eval-color").toString());
        oneSentence(shape, "color model", "holds 1x8x8 images but model", "color.zip");
        // and the good model on the same data is fine: the refusals are about the files
        Cli.Outcome ok = cli("evaluate", "--model", dir.resolve("good.zip").toString(), "--data", data.toString(),
                "--split", "val", "--out", dir.resolve("eval-good").toString());
        assertEquals(0, ok.code(), ok.err());
    }

    @Test
    void predictAndExportRefuseEveryBadModelFile() {
        for (Map.Entry<String, String> bad : BAD.entrySet()) {
            Path model = dir.resolve(bad.getKey());
            Cli.Outcome p = cli("predict", "--model", model.toString(), "--images", images.toString(), "--out",
                    dir.resolve("pred-" + bad.getKey()).toString());
            oneSentence(p, "predict " + bad.getKey(), bad.getKey(), bad.getValue());
            assertFalse(Files.exists(dir.resolve("pred-" + bad.getKey() + "/_SUCCESS")));

            Path to = dir.resolve("models/m/" + bad.getKey().replace(".zip", ""));
            Cli.Outcome e = cli("export", "--model", model.toString(), "--to", to.toString());
            oneSentence(e, "export " + bad.getKey(), bad.getKey(), bad.getValue());
            assertFalse(Files.exists(to.resolve("_SUCCESS")));
        }
    }
}
