package io.resnetspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.resnetspark.data.Manifest;
import io.resnetspark.model.ModelStore;
import io.resnetspark.storage.Storage;
import io.resnetspark.testing.Cli;
import io.resnetspark.testing.FashionFolder;
import io.resnetspark.testing.SparkClusters;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The four stages with every path on HDFS, the file system most Spark clusters keep their data on: an
 * in-process NameNode and DataNode (Hadoop's MiniDFSCluster, the Hadoop version of Spark's client) hold the
 * images, the prepared minibatches, the run, the report and the exported model.
 */
class HdfsStagesTest {
    @TempDir
    static Path tmp;
    static MiniDFSCluster hdfs;
    static FileSystem fs;
    static String root;

    @BeforeAll
    static void start() throws Exception {
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, tmp.resolve("dfs").toString());
        hdfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        hdfs.waitActive();
        fs = hdfs.getFileSystem();
        root = "hdfs://localhost:" + hdfs.getNameNodePort();
    }

    @AfterAll
    static void stop() {
        if (hdfs != null) {
            hdfs.shutdown();
        }
    }

    static String[] cli(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(SparkClusters.localSets(2));
        String[] r = Cli.strings(all.toArray(String[]::new));
        assertEquals("0", r[0], String.join(" ", args) + "\n" + r[2]);
        return r;
    }

    @Test
    void prepareTrainEvaluateExportOnHdfs() throws Exception {
        Path local = FashionFolder.write(tmp.resolve("fashion"), 20, 5);
        fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(local.toUri()), new org.apache.hadoop.fs.Path("/images"));
        String images = root + "/images/train";
        String data = root + "/lake/prepared";
        String run = root + "/lake/runs/r1";
        String report = root + "/lake/reports/r1";
        String models = root + "/lake/models/fashion/1";

        cli("prepare", "--source", images, "--out", data, "--size", "28", "--batch", "32",
                "--set", "prepare.channels=1", "--val-fraction", "0.2", "--test-fraction", "0.2");
        assertTrue(fs.exists(new org.apache.hadoop.fs.Path(data + "/manifest.json")));
        cli("train", "--data", data, "--run", run, "--model", "resnet20", "--epochs", "1");
        assertTrue(fs.exists(new org.apache.hadoop.fs.Path(run + "/best.zip")));
        cli("evaluate", "--model", run + "/best.zip", "--data", data, "--split", "test", "--out", report,
                "--run", run);
        // the report counts every test image the manifest on HDFS lists
        Storage storage = new Storage(fs.getConf());
        Manifest m = Manifest.read(storage, new org.apache.hadoop.fs.Path(data));
        JsonNode json = ModelStore.JSON.readTree(storage.readBytes(new org.apache.hadoop.fs.Path(report
                + "/report.json")));
        assertEquals(m.splits().get("test").images(), json.get("examples").asLong());
        assertTrue(m.splits().get("test").images() > 0);
        cli("export", "--model", run + "/best.zip", "--to", models, "--report", report);
        for (String f : new String[] {"model.zip", "classes.json", "SHA256SUMS", "_SUCCESS"}) {
            assertTrue(fs.exists(new org.apache.hadoop.fs.Path(models + "/" + f)), f);
        }
        String classes = new String(fs.open(new org.apache.hadoop.fs.Path(models + "/classes.json")).readAllBytes(),
                StandardCharsets.UTF_8);
        for (String c : FashionFolder.CLASSES) {
            assertTrue(classes.contains(c), classes);
        }
    }
}
