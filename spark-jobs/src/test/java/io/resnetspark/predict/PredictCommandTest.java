package io.resnetspark.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.resnetspark.data.Manifest;
import io.resnetspark.data.PreparedData;
import io.resnetspark.data.TestImageFiles;
import io.resnetspark.data.format.BatchTransform;
import io.resnetspark.data.format.Minibatch;
import io.resnetspark.model.ModelMetadata;
import io.resnetspark.model.ModelStore;
import io.resnetspark.model.Normalization;
import io.resnetspark.model.Optimization;
import io.resnetspark.model.ResNetBuilder;
import io.resnetspark.model.ResNetOptions;
import io.resnetspark.storage.Storage;
import io.resnetspark.testing.Cli;
import io.resnetspark.testing.LearnableImages;
import io.resnetspark.testing.ParquetTables;
import io.resnetspark.testing.S3Server;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Batch prediction on raw image files: one row per file, errors instead of crashes, and exactly the
 * preprocessing prepare applied (the probabilities equal the model's output on prepare's batches).
 */
class PredictCommandTest {
    @TempDir
    Path dir;

    @Test
    void predictsEveryFileWithTrainingPreprocessing() throws Exception {
        Path images = dir.resolve("images");
        TestImageFiles.Tree tree = TestImageFiles.mixedTree(images);
        Path prepared = dir.resolve("prepared");
        String[] prep = Cli.strings("prepare", "--source", images.toString(), "--format", "imagefolder",
                "--out", prepared.toString(), "--size", "16", "--batch", "4", "--val-fraction", "0",
                "--test-fraction", "0", "--set", "spark.master=local[2]", "--set", "prepare.channels=3");
        assertEquals("0", prep[0], prep[2]);
        Manifest m = PreparedData.manifest(prepared);

        ResNetOptions o = ResNetOptions.builder("resnet20").classes(m.classes().size()).input(3, 16, 16).build();
        ComputationGraph g = ResNetBuilder.build(o, Optimization.defaults());
        File model = dir.resolve("model.zip").toFile();
        ModelStore.save(g, ModelMetadata.of(o, m.classes(), m.normalization()), false, model);

        Path out = dir.resolve("predictions");
        String[] r = Cli.strings("predict", "--model", model.toString(), "--images", images.toString(),
                "--out", out.toString(), "--top-k", "2", "--set", "spark.master=local[2]");
        assertEquals("0", r[0], r[2]);
        assertTrue(new File(out.toFile(), "_SUCCESS").exists());

        SparkSession spark = SparkSession.builder().master("local[1]").config("spark.ui.enabled", "false").getOrCreate();
        List<Row> rows;
        long csvRows;
        try {
            rows = spark.read().parquet(out.resolve("parquet").toString()).collectAsList();
            csvRows = spark.read().option("header", "true").csv(out.resolve("csv").toString()).count();
        } finally {
            spark.stop();
        }
        // every file except the hidden one gets a row
        assertEquals(tree.files() - 1, rows.size());
        assertEquals(rows.size(), csvRows);

        Map<String, Row> byName = new HashMap<>();
        for (Row row : rows) {
            byName.put(row.getString(0).replaceFirst("^file:", "").replace(images.toString() + "/", ""), row);
        }
        assertNotNull(byName.get("dog/truncated.jpg").getString(1), "undecodable file gets an error row");
        assertNotNull(byName.get("readme.txt").getString(1));
        assertNotNull(byName.get("cat/huge.png").getString(1));

        // prepare's batches hold the same images after the same preprocessing: compare probabilities
        BatchTransform eval = BatchTransform.eval(m.normalization());
        int compared = 0;
        for (Minibatch b : PreparedData.batches(prepared, "train")) {
            INDArray probs = g.outputSingle(false, eval.apply(b, new Random(0)).getFeatures());
            for (int i = 0; i < b.n(); i++) {
                String rel = b.sources()[i].replaceFirst("^file:", "").replace(images.toString() + "/", "");
                Row row = byName.get(rel);
                assertNotNull(row, "a row for " + rel + " in " + byName.keySet());
                assertNull(row.getString(1), rel);
                int top = probs.getRow(i).argMax().getInt(0);
                assertEquals(m.classes().get(top), row.getString(2), rel);
                assertEquals(probs.getDouble(i, top), row.getDouble(3), 1e-5, rel);
                assertTrue(row.getDouble(3) >= row.getDouble(5), "top-k is sorted");
                compared++;
            }
        }
        assertEquals(tree.good(), compared);

        String[] again = Cli.strings("predict", "--model", model.toString(), "--images", images.toString(),
                "--out", out.toString(), "--set", "spark.master=local[2]");
        assertEquals("0", again[0]);
        assertTrue(again[1].contains("already complete"), again[1]);
        assertFalse(Files.exists(out.resolve("parquet/_temporary")));
    }

    /** Images and model read from s3a://, predictions written there; no credential in anything printed. */
    @Test
    void readsAndWritesObjectStorage() throws Exception {
        Path images = dir.resolve("images");
        LearnableImages.write(images, 3);
        Files.writeString(images.resolve("left/broken.png"), "not a png");
        ResNetOptions o = ResNetOptions.builder("resnet20").classes(2).input(1, 16, 16).build();
        File model = dir.resolve("model.zip").toFile();
        ModelStore.save(ResNetBuilder.build(o, Optimization.defaults()), ModelMetadata.of(o, LearnableImages.CLASSES,
                new Normalization(new double[] {0.5}, new double[] {0.25})), false, model);
        try (S3Server s3 = new S3Server()) {
            String bucket = s3.bucket("predict");
            Storage storage = new Storage(s3.hadoop());
            try (var files = Files.walk(images)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    storage.writeBytes(new org.apache.hadoop.fs.Path(bucket + "/in/" + images.relativize(f)),
                            Files.readAllBytes(f));
                }
            }
            storage.writeBytes(new org.apache.hadoop.fs.Path(bucket + "/m/model.zip"), Files.readAllBytes(model.toPath()));
            List<String> args = new java.util.ArrayList<>(List.of("predict", "--model", bucket + "/m/model.zip",
                    "--images", bucket + "/in", "--out", bucket + "/out", "--set", "spark.master=local[2]"));
            for (String set : s3.cliSets()) {
                args.add("--set");
                args.add(set);
            }
            String[] r = Cli.strings(args.toArray(new String[0]));
            assertEquals("0", r[0], r[2]);
            assertTrue(storage.committed(new org.apache.hadoop.fs.Path(bucket + "/out")));
            StringBuilder csv = new StringBuilder();
            for (var f : storage.listFiles(new org.apache.hadoop.fs.Path(bucket + "/out/csv"))) {
                csv.append(storage.readString(f.getPath()));
            }
            List<String> lines = csv.toString().lines().filter(l -> !l.startsWith("path,")).toList();
            assertEquals(7, lines.size(), csv.toString());
            assertEquals(1, lines.stream().filter(l -> l.contains("broken.png")).filter(l -> !l.contains(",left,")
                    && !l.contains(",right,")).count(), "the broken file has an error row, not classes");
            for (String printed : r) {
                assertFalse(printed.contains(S3Server.SECRET_KEY) || printed.contains(S3Server.ACCESS_KEY));
            }
        }
    }

    /** A Parquet table of images (another tool's writer) scores as the same images in files do, rows named by id. */
    @Test
    void predictsTheRowsOfAParquetTable() throws Exception {
        Path images = dir.resolve("images");
        LearnableImages.write(images, 2);
        List<Map<String, Object>> rows = new java.util.ArrayList<>();
        try (var files = Files.walk(images)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                Map<String, Object> row = new java.util.LinkedHashMap<>();
                row.put("key", images.relativize(f).toString());
                row.put("bytes", Files.readAllBytes(f));
                rows.add(row);
            }
        }
        rows.add(Map.of("key", "garbage", "bytes", "not an image".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        Path table = Files.createDirectories(dir.resolve("table"));
        ParquetTables.write(new org.apache.hadoop.fs.Path(table.resolve("t.parquet").toUri()),
                "message t { required binary key (STRING); optional binary bytes; }", rows);
        ResNetOptions o = ResNetOptions.builder("resnet20").classes(2).input(1, 16, 16).build();
        File model = dir.resolve("model.zip").toFile();
        ModelStore.save(ResNetBuilder.build(o, Optimization.defaults()), ModelMetadata.of(o, LearnableImages.CLASSES,
                new Normalization(new double[] {0.5}, new double[] {0.25})), false, model);

        String[] fromFiles = Cli.strings("predict", "--model", model.toString(), "--images", images.toString(),
                "--out", dir.resolve("out-files").toString(), "--set", "spark.master=local[2]");
        assertEquals("0", fromFiles[0], fromFiles[2]);
        String[] fromTable = Cli.strings("predict", "--format", "parquet", "--model", model.toString(), "--images",
                table.toString(), "--image-col", "bytes", "--id-col", "key", "--out", dir.resolve("out-table").toString(),
                "--set", "spark.master=local[2]");
        assertEquals("0", fromTable[0], fromTable[2]);

        SparkSession spark = SparkSession.builder().master("local[1]").config("spark.ui.enabled", "false").getOrCreate();
        Map<String, Row> byFile = new HashMap<>();
        Map<String, Row> byId = new HashMap<>();
        try {
            for (Row r : spark.read().parquet(dir.resolve("out-files/parquet").toString()).collectAsList()) {
                byFile.put(r.getString(0).replaceFirst("^file:", "").replace(images.toString() + "/", ""), r);
            }
            for (Row r : spark.read().parquet(dir.resolve("out-table/parquet").toString()).collectAsList()) {
                byId.put(r.getString(0), r);
            }
        } finally {
            spark.stop();
        }
        assertEquals(rows.size(), byId.size(), byId.keySet().toString());
        assertNotNull(byId.get("garbage").getString(1), "an undecodable cell gets an error row");
        for (Map.Entry<String, Row> e : byFile.entrySet()) {
            Row t = byId.get(e.getKey());
            assertNotNull(t, e.getKey() + " in " + byId.keySet());
            assertNull(t.getString(1), e.getKey());
            assertEquals(e.getValue().getString(2), t.getString(2), e.getKey());
            assertEquals(e.getValue().getDouble(3), t.getDouble(3), 1e-6, e.getKey());
        }
    }

    @Test
    void incompleteExportIsRefusedInOneSentence() throws Exception {
        Path export = Files.createDirectories(dir.resolve("models/m/v1"));
        Files.write(export.resolve("model.zip"), new byte[] {1, 2, 3});
        String[] r = Cli.strings("predict", "--model", export.toString(), "--images", dir.toString(),
                "--out", dir.resolve("o").toString(), "--set", "spark.master=local[1]");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("not a complete export"), r[2]);
    }
}
