package io.resnetspark.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/** Every deployment file parses, and holds the keys a user relies on. */
class DeployFilesTest {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final String MAIN = "io.resnetspark.cli.Main";

    @SuppressWarnings("unchecked")
    static Map<String, Object> yaml(String rel) throws Exception {
        return (Map<String, Object>) new Yaml().load(Files.readString(ROOT.resolve(rel)));
    }

    @SuppressWarnings("unchecked")
    static <T> T at(Map<String, Object> m, String path) {
        Object cur = m;
        for (String k : path.split("\\.")) {
            cur = ((Map<String, Object>) cur).get(k);
            if (cur == null) {
                throw new AssertionError("missing key " + path);
            }
        }
        return (T) cur;
    }

    @Test
    void sparkOperatorApplication() throws Exception {
        Map<String, Object> app = yaml("deploy/k8s/train-sparkapplication.yaml");
        assertEquals("sparkoperator.k8s.io/v1beta2", app.get("apiVersion"));
        assertEquals("SparkApplication", app.get("kind"));
        assertEquals(MAIN, at(app, "spec.mainClass"));
        assertTrue(at(app, "spec.mainApplicationFile").toString().endsWith("resnet-spark.jar"));
        assertEquals("pipeline", ((List<?>) at(app, "spec.arguments")).get(0));
        Map<String, Object> sparkConf = at(app, "spec.sparkConf");
        assertEquals("org.nd4j.kryo.Nd4jRegistrator", sparkConf.get("spark.kryo.registrator"));
        assertTrue(at(app, "spec.executor.javaOptions").toString().contains("org.bytedeco.javacpp.cachedir"));
        assertTrue(at(app, "spec.executor.memoryOverhead").toString().endsWith("g"), "native ND4J memory is sized");
    }

    @Test
    void scheduledRetraining() throws Exception {
        Map<String, Object> s = yaml("deploy/k8s/retrain-scheduled.yaml");
        assertEquals("ScheduledSparkApplication", s.get("kind"));
        assertEquals(5, at(s, "spec.schedule").toString().split(" ").length, "a five-field cron expression");
        assertEquals("Forbid", at(s, "spec.concurrencyPolicy"), "two retrainings never overlap");
        assertEquals("retrain", ((List<?>) at(s, "spec.template.arguments")).get(0));
        assertTrue(at(s, "spec.template.executor.memoryOverhead").toString().endsWith("g"));

        Map<String, Object> cron = yaml("deploy/k8s/retrain-cronjob.yaml");
        assertEquals("batch/v1", cron.get("apiVersion"));
        assertEquals("CronJob", cron.get("kind"));
        List<Map<String, Object>> containers = at(cron, "spec.jobTemplate.spec.template.spec.containers");
        List<?> args = (List<?>) containers.get(0).get("args");
        assertTrue(args.contains("--class=" + MAIN), args.toString());
        assertTrue(args.contains("retrain"), args.toString());
    }

    @Test
    void composeClusterWithMinio() throws Exception {
        Map<String, Object> c = yaml("deploy/docker/docker-compose.yml");
        Map<String, Object> services = at(c, "services");
        for (String s : List.of("minio", "spark-master", "spark-worker-1", "spark-worker-2", "submit")) {
            assertTrue(services.containsKey(s), "service " + s);
        }
        assertTrue(((List<?>) at(c, "services.minio.ports")).contains("9000:9000"));
        List<?> submit = at(c, "services.submit.command");
        assertTrue(submit.contains("--class=" + MAIN) && submit.contains("pipeline"), submit.toString());
        assertTrue(submit.stream().anyMatch(a -> a.toString().contains("s3.endpoint=http://minio:9000")));
        String worker = at(c, "services.spark-worker-2.command").toString();
        assertTrue(worker.contains("spark://spark-master:7077"), worker);
    }

    @Test
    void dockerfilesCopyTheJarTheBuildMakes() throws Exception {
        String pom = Files.readString(ROOT.resolve("spark-jobs/pom.xml"));
        String version = pom.replaceAll("(?s).*?<parent>.*?<version>([^<]+)</version>.*", "$1");
        for (String f : List.of("deploy/docker/Dockerfile.cpu", "deploy/docker/Dockerfile.cuda")) {
            String d = Files.readString(ROOT.resolve(f));
            assertTrue(d.contains("spark-jobs/target/resnet-spark-jobs-" + version + "-shaded.jar"), f);
            assertTrue(d.contains("3.5.7"), f + " uses the project's Spark version");
        }
    }

    @Test
    void sparkDefaultsAreKeyValueLinesWithTheNd4jSettings() throws Exception {
        for (String profile : List.of("cpu", "gpu")) {
            List<String> lines = Files.readAllLines(ROOT.resolve("conf/spark-defaults-" + profile + ".conf"));
            Map<String, String> kv = new java.util.LinkedHashMap<>();
            for (String l : lines) {
                if (l.isBlank() || l.startsWith("#")) {
                    continue;
                }
                String[] p = l.trim().split("\\s+", 2);
                assertEquals(2, p.length, "key value: " + l);
                kv.put(p[0], p[1]);
            }
            assertEquals("org.nd4j.kryo.Nd4jRegistrator", kv.get("spark.kryo.registrator"), profile);
            assertTrue(kv.get("spark.executor.extraJavaOptions").contains("org.bytedeco.javacpp.cachedir"), profile);
            assertTrue(kv.containsKey("spark.executor.memoryOverhead"), profile);
            if (profile.equals("gpu")) {
                assertEquals("1", kv.get("spark.executor.resource.gpu.amount"));
                assertEquals("1", kv.get("spark.task.resource.gpu.amount"));
                assertTrue(kv.get("spark.executor.resource.gpu.discoveryScript").endsWith("deploy/gpu/discover-gpus.sh"));
            }
        }
    }

    @Test
    void gpuDiscoveryScriptPrintsSparkResourceJson(@TempDir Path bin) throws Exception {
        JsonNode none = run(bin, null);
        assertEquals("gpu", none.get("name").asText());
        assertEquals(0, none.get("addresses").size());
        JsonNode two = run(bin, "0\n1\n");
        assertEquals(List.of("0", "1"), List.of(two.get("addresses").get(0).asText(), two.get("addresses").get(1).asText()));
    }

    /** Runs the discovery script with a stand-in nvidia-smi that prints the given indexes (null = none installed). */
    private static JsonNode run(Path bin, String indexes) throws Exception {
        File smi = bin.resolve("nvidia-smi").toFile();
        if (indexes != null) {
            Files.writeString(smi.toPath(), "#!/bin/sh\nprintf '" + indexes.replace("\n", "\\n") + "'\n");
            smi.setExecutable(true);
        } else {
            smi.delete();
        }
        ProcessBuilder pb = new ProcessBuilder("bash", ROOT.resolve("deploy/gpu/discover-gpus.sh").toString());
        pb.environment().put("PATH", bin + ":/usr/bin:/bin");
        Process p = pb.start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        return new ObjectMapper().readTree(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void airflowDagIsValidPython() throws Exception {
        Process p = new ProcessBuilder("python3", "-c",
                "import ast,sys; t=ast.parse(open(sys.argv[1]).read()); print(sum(isinstance(n, ast.Call) and "
                        + "getattr(n.func,'id','')=='SparkSubmitOperator' for n in ast.walk(t)))",
                ROOT.resolve("deploy/airflow/resnet_spark_retrain.py").toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertEquals("2", out, "prepare and retrain tasks");
    }

    @Test
    void everyExampleConfigValidates() throws Exception {
        List<Path> confs = new ArrayList<>();
        try (var s = Files.list(ROOT.resolve("conf"))) {
            s.filter(p -> p.toString().endsWith(".conf") && !p.getFileName().toString().startsWith("spark-defaults"))
                    .forEach(confs::add);
        }
        assertTrue(confs.size() >= 1);
        for (Path c : confs) {
            io.resnetspark.config.JobConfig.load(c.toFile(), List.of(), Map.of());
        }
    }
}
