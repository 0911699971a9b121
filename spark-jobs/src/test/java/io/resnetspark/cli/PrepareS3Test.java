package io.resnetspark.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.s3.model.S3ObjectSummary;
import io.resnetspark.data.Manifest;
import io.resnetspark.data.PreparedData;
import io.resnetspark.data.TestImageFiles;
import io.resnetspark.model.ModelStore;
import io.resnetspark.testing.S3Server;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrepareS3Test {
    @TempDir
    Path tmp;

    @Test
    void prepareFromAndToS3MatchesALocalRun() throws Exception {
        Path src = tmp.resolve("src");
        TestImageFiles.mixedTree(src);
        // object stores have no empty folders: leave it out of both runs
        Files.delete(src.resolve("empty"));
        try (S3Server s3 = new S3Server()) {
            String bucket = s3.bucket("prepare-data");
            List<Path> files;
            try (Stream<Path> walk = Files.walk(src)) {
                files = walk.filter(Files::isRegularFile).toList();
            }
            for (Path f : files) {
                s3.client().putObject("prepare-data", "raw/" + src.relativize(f).toString().replace('\\', '/'),
                        f.toFile());
            }
            Path local = tmp.resolve("local-out");
            String[] common = {"--format", "imagefolder", "--size", "20", "--batch", "2", "--val-fraction", "0.2",
                "--test-fraction", "0.2"};
            String[] l = run(s3, false, common, "--source", src.toString(), "--out", local.toString());
            assertEquals("0", l[0], l[2]);
            // another partitioning too: the output must not depend on it
            String[] r = run(s3, true, common, "--source", bucket + "/raw", "--out", bucket + "/prepared",
                    "--partitions", "3");
            assertEquals("0", r[0], r[2]);

            Map<String, byte[]> remote = new TreeMap<>();
            for (S3ObjectSummary o : s3.client().listObjectsV2("prepare-data", "prepared/").getObjectSummaries()) {
                String key = o.getKey().substring("prepared/".length());
                if (key.endsWith(".bin") || key.equals(Manifest.FILE)) {
                    remote.put(key, s3.client().getObject("prepare-data", o.getKey()).getObjectContent().readAllBytes());
                }
            }
            int batches = 0;
            for (String split : List.of("train", "val", "test")) {
                for (Path p : PreparedData.files(local, split)) {
                    String key = split + "/" + p.getFileName();
                    assertTrue(remote.containsKey(key), key + " missing on S3; there: " + remote.keySet());
                    assertArrayEquals(Files.readAllBytes(p), remote.get(key), key);
                    batches++;
                }
            }
            assertEquals(batches + 1, remote.size(), remote.keySet().toString());
            Manifest lm = PreparedData.manifest(local);
            Manifest rm = ModelStore.JSON.readValue(remote.get(Manifest.FILE), Manifest.class);
            assertEquals(bucket + "/raw", rm.source());
            assertEquals(lm.splits(), rm.splits());
            assertEquals(lm.skipped(), rm.skipped());
            assertArrayEquals(lm.normalization().mean(), rm.normalization().mean());

            String[] again = run(s3, true, common, "--source", bucket + "/raw", "--out", bucket + "/prepared");
            assertEquals("0", again[0], again[2]);
            assertTrue(again[1].contains("already prepared at " + bucket + "/prepared"), again[1]);
        }
    }

    private static String[] run(S3Server s3, boolean withS3, String[] common, String... args) {
        List<String> a = new ArrayList<>(List.of(common));
        a.addAll(List.of(args));
        if (withS3) {
            for (String set : s3.cliSets()) {
                a.add("--set");
                a.add(set);
            }
        }
        return PrepareCommandTest.prepare(a.toArray(new String[0]));
    }
}
