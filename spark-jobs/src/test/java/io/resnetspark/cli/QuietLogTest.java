package io.resnetspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.resnetspark.testing.ChildJvm;
import java.io.DataOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user's console shows, with the log configuration the launcher uses (conf/log4j2.properties): prepare of
 * an idx data set and a training epoch print no warning a user cannot act on. Spark warned of "a task of very large
 * size" when prepare shipped the idx pixels inside its tasks (2,000 images, 1.6 MiB, per task).
 */
class QuietLogTest {
    @TempDir
    Path tmp;

    static void idx(Path file, int magic, int[] dims, byte[] data) throws Exception {
        try (OutputStream f = Files.newOutputStream(file); DataOutputStream d = new DataOutputStream(f)) {
            d.writeInt(magic);
            for (int x : dims) {
                d.writeInt(x);
            }
            d.write(data);
        }
    }

    String run(String name, List<String> args) throws Exception {
        Path log = tmp.resolve(name + ".log");
        Process p = ChildJvm.start(log, List.of("-Dlog4j2.configurationFile=" + Path.of("../conf/log4j2.properties")
                .toAbsolutePath().normalize()), args);
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), name + " finished");
        String out = Files.readString(log);
        System.err.println(out);
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void prepareAndTrainPrintNoWarningAUserCannotActOn() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("idx"));
        int n = 4000;
        byte[] pixels = new byte[n * 28 * 28];
        byte[] labels = new byte[n];
        Random r = new Random(1);
        r.nextBytes(pixels);
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) r.nextInt(10);
        }
        idx(src.resolve("train-images-idx3-ubyte"), 0x803, new int[] {n, 28, 28}, pixels);
        idx(src.resolve("train-labels-idx1-ubyte"), 0x801, new int[] {n}, labels);
        Path data = tmp.resolve("data");
        List<String> spark = List.of("--set", "spark.master=local[2]", "--set", "spark.conf.\"spark.ui.enabled\"=false",
                "--set", "spark.conf.\"spark.driver.host\"=127.0.0.1");
        List<String> prepare = new java.util.ArrayList<>(List.of("prepare", "--source", src.toString(), "--format", "idx",
                "--out", data.toString(), "--size", "0", "--batch", "100", "--val-fraction", "0.05",
                "--test-fraction", "0", "--partitions", "2"));
        prepare.addAll(spark);
        String prepared = run("prepare", prepare);
        List<String> train = new java.util.ArrayList<>(List.of("train", "--data", data.toString(), "--run",
                tmp.resolve("run").toString(), "--model", "resnet20", "--epochs", "1",
                "--set", "train.averaging.frequency=4", "--set", "train.optimizer.name=adam"));
        train.addAll(spark);
        String trained = run("train", train);
        for (String out : List.of(prepared, trained)) {
            assertFalse(out.contains("very large size"), "the pixels and the model travel in broadcasts: " + out);
            assertFalse(out.contains("spark.local.dir"), out);
            assertFalse(out.contains(" WARN "), "no warning: " + out);
            assertFalse(out.contains(" 0.0 "), "no rate of zero: " + out);
        }
        assertTrue(trained.contains("[train] 1/1 epochs (100%), ") && trained.contains(" per epoch,"), trained);
    }
}
