package io.resnetspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.s3.model.ListObjectsV2Request;
import com.amazonaws.services.s3.model.ListObjectsV2Result;
import com.amazonaws.services.s3.model.S3ObjectSummary;
import io.resnetspark.testing.Cli;
import io.resnetspark.testing.LearnableImages;
import io.resnetspark.testing.S3Server;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The S3 keys never leave the places they were given: a whole pipeline (prepare, train, evaluate,
 * export) run against the S3 server with its keys on the command line, logging everything at INFO, and
 * then every byte it wrote is searched for them: its stdout and stderr, the log file, the local working
 * and temporary directories, and every object in the bucket, zip entries included (a model zip's
 * metadata holds the job configuration). Failing runs are searched too.
 */
class SecretsTest {
    static S3Server s3;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() throws Exception {
        s3 = new S3Server();
    }

    @AfterAll
    static void stop() {
        if (s3 != null) {
            s3.close();
        }
    }

    /** Every place a key could hide in one file: its bytes, and the entries of a zip (recursively). */
    static List<String> findings(String name, byte[] bytes) throws IOException {
        List<String> found = new ArrayList<>();
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        for (String key : new String[] {S3Server.ACCESS_KEY, S3Server.SECRET_KEY}) {
            if (text.contains(key)) {
                found.add(name + " holds " + (key.equals(S3Server.SECRET_KEY) ? "the secret key" : "the access key"));
            }
        }
        if (bytes.length > 4 && bytes[0] == 'P' && bytes[1] == 'K') {
            try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
                for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                    found.addAll(findings(name + "!" + e.getName(), zip.readAllBytes()));
                }
            }
        }
        return found;
    }

    static int scanLocal(Path root, List<String> found) throws IOException {
        int files = 0;
        if (!Files.exists(root)) {
            return 0;
        }
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                if (Files.isRegularFile(p)) {
                    found.addAll(findings(root.relativize(p).toString(), Files.readAllBytes(p)));
                    files++;
                }
            }
        }
        return files;
    }

    static List<String> bucketObjects(String bucket) {
        List<String> keys = new ArrayList<>();
        ListObjectsV2Request req = new ListObjectsV2Request().withBucketName(bucket);
        ListObjectsV2Result r;
        do {
            r = s3.client().listObjectsV2(req);
            for (S3ObjectSummary o : r.getObjectSummaries()) {
                keys.add(o.getKey());
            }
            req.setContinuationToken(r.getNextContinuationToken());
        } while (r.isTruncated());
        return keys;
    }

    @Test
    void aWholePipelineWritesAndPrintsNoKey() throws Exception {
        String bucket = "secrets";
        String root = s3.bucket(bucket) + "/root";
        Path images = tmp.resolve("images");
        LearnableImages.write(images, 12);
        Path work = Files.createDirectories(tmp.resolve("work"));
        Path javaTmp = Files.createDirectories(tmp.resolve("java-tmp"));
        Path logs = tmp.resolve("logs");
        Path log4j = tmp.resolve("log4j2.properties");
        Files.writeString(log4j, String.join("\n",
                "rootLogger.level = info",
                "rootLogger.appenderRef.console.ref = console",
                "rootLogger.appenderRef.file.ref = file",
                "appender.console.type = Console",
                "appender.console.name = console",
                "appender.console.target = SYSTEM_ERR",
                "appender.console.layout.type = PatternLayout",
                "appender.console.layout.pattern = %d %p %c: %m%n",
                "appender.file.type = File",
                "appender.file.name = file",
                "appender.file.fileName = " + logs.resolve("run.log"),
                "appender.file.layout.type = PatternLayout",
                "appender.file.layout.pattern = %d %p %c: %m%n%throwable", ""));

        List<String> cmd = new ArrayList<>();
        cmd.add(new File(System.getProperty("java.home"), "bin/java").getPath());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!a.startsWith("-agentlib") && !a.startsWith("-javaagent") && !a.startsWith("-Djava.io.tmpdir")
                    && !a.startsWith("-Dlog4j")) {
                cmd.add(a);
            }
        }
        cmd.add("-Djava.io.tmpdir=" + javaTmp);
        cmd.add("-Dlog4j2.configurationFile=" + log4j);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "pipeline",
                "--set", "spark.master=local[2]", "--set", "spark.conf.\"spark.local.dir\"=" + javaTmp,
                "--set", "pipeline.root=" + root, "--set", "pipeline.name=halves",
                "--set", "prepare.source=" + images, "--set", "prepare.size=16", "--set", "prepare.batch=8",
                "--set", "model.name=resnet20", "--set", "train.epochs=1", "--set", "train.optimizer.name=adam",
                "--set", "train.optimizer.lr=0.005", "--set", "train.averaging.frequency=2"));
        for (String set : s3.cliSets()) {
            cmd.add("--set");
            cmd.add(set);
        }
        Process p = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(false)
                .redirectOutput(tmp.resolve("stdout.txt").toFile()).redirectError(tmp.resolve("stderr.txt").toFile())
                .start();
        assertTrue(p.waitFor(400, TimeUnit.SECONDS), "the pipeline finished");
        assertEquals(0, p.exitValue(), Files.readString(tmp.resolve("stderr.txt")));

        List<String> found = new ArrayList<>();
        found.addAll(findings("stdout", Files.readAllBytes(tmp.resolve("stdout.txt"))));
        found.addAll(findings("stderr", Files.readAllBytes(tmp.resolve("stderr.txt"))));
        String log = Files.readString(logs.resolve("run.log"));
        assertTrue(log.contains("INFO") && log.contains("SparkContext"), "the log file caught Spark's INFO lines");
        int local = scanLocal(logs, found) + scanLocal(work, found) + scanLocal(javaTmp, found);

        List<String> objects = bucketObjects(bucket);
        for (String key : objects) {
            try (InputStream in = s3.client().getObject(bucket, key).getObjectContent()) {
                found.addAll(findings("s3a://" + bucket + "/" + key, in.readAllBytes()));
            }
        }
        // the run really wrote the things that carry configuration: checkpoints, model cards, reports
        for (String must : List.of("root/runs/halves/best.zip", "root/runs/halves/metrics.jsonl",
                "root/runs/halves/report/report.json", "root/models/halves/v1/model.zip",
                "root/models/halves/v1/model-card.json", "root/data/manifest.json")) {
            assertTrue(objects.contains(must), must + " in " + objects);
        }
        assertTrue(objects.stream().anyMatch(k -> k.contains("/checkpoints/")), objects.toString());
        assertTrue(found.isEmpty(), "credentials found in " + found + " (searched " + objects.size() + " objects and "
                + local + " local files)");
    }

    @Test
    void failingRunsNameNoKey() throws Exception {
        String bucket = s3.bucket("secrets-fail");
        List<String> printed = new ArrayList<>();
        List<String> sets = new ArrayList<>();
        for (String set : s3.cliSets()) {
            sets.add("--set");
            sets.add(set);
        }
        sets.addAll(List.of("--set", "spark.master=local[1]", "--set", "s3.attempts=1"));
        // a bucket that does not exist
        List<String> a = new ArrayList<>(List.of("evaluate", "--model", "s3a://no-such-bucket/m.zip", "--data",
                "s3a://no-such-bucket/d", "--out", "s3a://no-such-bucket/e"));
        a.addAll(sets);
        Cli.Outcome noBucket = Cli.run(a.toArray(new String[0]));
        assertEquals(Main.USAGE, noBucket.code(), noBucket.err());
        assertTrue(noBucket.err().contains("no-such-bucket"), noBucket.err());
        printed.add(noBucket.out() + noBucket.err());
        // a model file that is not there, and a prepare whose output cannot be written, both with --debug
        List<String> b = new ArrayList<>(List.of("export", "--model", bucket + "/none.zip", "--to",
                bucket + "/models/m/1", "--debug"));
        b.addAll(sets);
        Cli.Outcome noModel = Cli.run(b.toArray(new String[0]));
        assertEquals(Main.USAGE, noModel.code(), noModel.err());
        printed.add(noModel.out() + noModel.err());
        // an access key the server does not know (S3Proxy checks the key id); the refused key is not shown either
        s3.client().putObject(bucket.substring("s3a://".length()), "m.zip", "not a model");
        List<String> c = new ArrayList<>(List.of("export", "--model", bucket + "/m.zip", "--to",
                bucket + "/models/m/2"));
        c.addAll(sets);
        c.addAll(List.of("--set", "hadoop.\"fs.s3a.access.key\"=" + S3Server.ACCESS_KEY + "-wrong"));
        Cli.Outcome wrong = Cli.run(c.toArray(new String[0]));
        assertEquals(Main.USAGE, wrong.code(), wrong.err());
        assertTrue(wrong.err().contains("m.zip"), wrong.err());
        System.err.println("wrong secret: " + wrong.err());
        printed.add(wrong.out() + wrong.err());
        List<String> found = new ArrayList<>();
        for (int i = 0; i < printed.size(); i++) {
            found.addAll(findings("run " + i, printed.get(i).getBytes(StandardCharsets.UTF_8)));
        }
        assertTrue(found.isEmpty(), found + ": " + printed);
    }
}
