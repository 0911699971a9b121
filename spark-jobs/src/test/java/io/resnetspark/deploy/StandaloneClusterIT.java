package io.resnetspark.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.resnetspark.testing.LearnableImages;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deployment path end to end: a Spark standalone cluster (Master + 2 Workers on loopback, started
 * by deploy/standalone/cluster from the Maven-resolved Spark jars) and the shaded jar submitted to it
 * with deploy/submit, running the whole pipeline on real PNG files. Runs after `package`.
 */
class StandaloneClusterIT {
    static final Path ROOT = DeployFilesTest.ROOT;

    @TempDir
    Path dir;

    @Test
    void pipelineRunsOnAStandaloneCluster() throws Exception {
        Path images = dir.resolve("images");
        LearnableImages.write(images, 160);
        int port = freePort();
        Path log = dir.resolve("cluster.log");
        Process start = script(log, "deploy/standalone/cluster", "start", "--workers", "2", "--cores", "1",
                "--memory", "2g", "--port", Integer.toString(port), "--webui-port", Integer.toString(freePort()));
        try {
            assertTrue(start.waitFor(180, TimeUnit.SECONDS), "cluster started in time");
            String started = Files.readString(log);
            assertEquals(0, start.exitValue(), started);
            assertTrue(started.contains("spark://127.0.0.1:" + port), started);

            Path root = dir.resolve("pipeline");
            Path submitLog = dir.resolve("submit.log");
            Process submit = script(submitLog, "deploy/submit", "--master", "spark://127.0.0.1:" + port,
                    "--conf", "spark.executor.cores=1", "--conf", "spark.task.cpus=1",
                    "--conf", "spark.executor.memory=1g", "--conf", "spark.cores.max=2", "--",
                    "pipeline", "--set", "pipeline.root=" + root, "--set", "pipeline.name=halves",
                    "--set", "prepare.source=" + images, "--set", "prepare.format=imagefolder",
                    "--set", "prepare.size=16", "--set", "prepare.batch=16", "--set", "prepare.val-fraction=0.25",
                    "--set", "prepare.test-fraction=0.25", "--set", "model.name=resnet20",
                    "--set", "train.epochs=4", "--set", "train.optimizer.name=adam", "--set", "train.optimizer.lr=0.005",
                    "--set", "train.schedule.name=constant",
                    // a few dozen steps: faster BN running statistics, or evaluation lags behind training
                    "--set", "model.bn-momentum=0.3",
                    "--set", "train.optimizer.weight-decay=0", "--set", "train.averaging.frequency=2");
            assertTrue(submit.waitFor(900, TimeUnit.SECONDS), "pipeline finished in time");
            String out = Files.readString(submitLog);
            assertEquals(0, submit.exitValue(), out);
            assertTrue(out.contains("report: "), out);

            Path run = root.resolve("runs/halves");
            JsonNode report = new ObjectMapper().readTree(run.resolve("report/report.json").toFile());
            double top1 = report.get("top1").asDouble();
            assertTrue(top1 >= 0.8, "the model learned on the cluster: test top-1 " + top1);
            assertTrue(Files.exists(root.resolve("models/halves/v1/_SUCCESS")));
            assertTrue(Files.exists(root.resolve("models/halves/v1/model.zip")));
            assertTrue(Files.readString(run.resolve("metrics.jsonl")).lines().count() == 4);
        } finally {
            Process stop = script(dir.resolve("stop.log"), "deploy/standalone/cluster", "stop");
            stop.waitFor(60, TimeUnit.SECONDS);
        }
    }

    private Process script(Path log, String script, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add("bash");
        cmd.add(ROOT.resolve(script).toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("RESNET_SPARK_HEAP", "1g");
        pb.environment().put("RESNET_SPARK_STATE", dir.resolve("state").toString());
        return pb.start();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

}
