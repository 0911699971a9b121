package io.resnetspark.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.resnetspark.common.UserError;
import io.resnetspark.model.ModelStore;
import io.resnetspark.testing.Cli;
import io.resnetspark.testing.S3Server;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One run per pipeline root and per training run: a second is refused at once in one sentence naming the holder,
 * and a lock whose holder is gone is taken over; on the local disk and on S3 (S3Proxy), which has no rename.
 */
class RunLockTest {
    @TempDir
    Path tmp;

    /** A lock file as another process would have left it. */
    static Map<String, Object> holder(String host, long pid, long heartbeat) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("what", "pipeline");
        h.put("host", host);
        h.put("pid", pid);
        h.put("user", "cron");
        h.put("since", "2026-11-30T02:00:00Z");
        h.put("heartbeat", heartbeat);
        h.put("token", "theirs");
        return h;
    }

    static void plant(Storage storage, org.apache.hadoop.fs.Path dir, Map<String, Object> h) throws Exception {
        storage.writeBytes(new org.apache.hadoop.fs.Path(dir, RunLock.FILE), ModelStore.JSON.writeValueAsBytes(h));
    }

    /** A pid that was in use a moment ago and is no more. */
    static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }

    void secondRunRefusedAndStaleLockTakenOver(Storage storage, org.apache.hadoop.fs.Path dir) throws Exception {
        try (RunLock first = RunLock.acquire(storage, dir, "pipeline")) {
            UserError e = assertThrows(UserError.class, () -> RunLock.acquire(storage, dir, "train"));
            String m = e.getMessage();
            assertTrue(m.contains(dir + " is in use by pipeline (pid " + ProcessHandle.current().pid() + " on ")
                    && m.contains(") since 20") && m.contains("last heartbeat"), m);
            assertFalse(m.contains("\n"), m);
            first.check();
        }
        assertFalse(storage.exists(new org.apache.hadoop.fs.Path(dir, RunLock.FILE)), "released on close");

        // a holder on this host whose process is gone: taken over at once
        plant(storage, dir, holder(InetAddress.getLocalHost().getHostName(), deadPid(), System.currentTimeMillis()));
        try (RunLock taken = RunLock.acquire(storage, dir, "pipeline")) {
            Map<?, ?> now = ModelStore.JSON.readValue(storage.readString(new org.apache.hadoop.fs.Path(dir, RunLock.FILE)),
                    Map.class);
            assertEquals(ProcessHandle.current().pid(), ((Number) now.get("pid")).longValue(), now.toString());
            assertFalse("theirs".equals(now.get("token")), now.toString());
        }
        // a holder elsewhere that stopped beating: taken over once its heartbeat is older than the stale limit
        plant(storage, dir, holder("elsewhere", 1, System.currentTimeMillis() - RunLock.STALE.toMillis() - 60_000));
        RunLock.acquire(storage, dir, "pipeline").close();
        // ... but not while it beats
        plant(storage, dir, holder("elsewhere", 1, System.currentTimeMillis()));
        UserError busy = assertThrows(UserError.class, () -> RunLock.acquire(storage, dir, "pipeline"));
        assertTrue(busy.getMessage().contains("in use by pipeline (pid 1 on elsewhere, user cron) since "
                + "2026-11-30T02:00:00Z"), busy.getMessage());
        storage.delete(new org.apache.hadoop.fs.Path(dir, RunLock.FILE));
    }

    @Test
    void onTheLocalDisk() throws Exception {
        secondRunRefusedAndStaleLockTakenOver(new Storage(new Configuration()), Storage.path(tmp.resolve("root").toString()));
    }

    @Test
    void onS3() throws Exception {
        try (S3Server s3 = new S3Server()) {
            String root = s3.bucket("locks") + "/root";
            secondRunRefusedAndStaleLockTakenOver(new Storage(s3.hadoop()), Storage.path(root));
        }
    }

    @Test
    void aSecondPipelineOnTheSameRootIsRefusedBeforeAnyWork() throws Exception {
        Path root = tmp.resolve("pipeline-root");
        Path source = Files.createDirectories(tmp.resolve("images"));
        Storage storage = new Storage(new Configuration());
        plant(storage, Storage.path(root.toString()), holder("cron-host", 4242, System.currentTimeMillis()));
        Cli.Outcome r = Cli.run("pipeline", "--set", "pipeline.root=" + root, "--set", "prepare.source=" + source,
                "--set", "spark.master=local[1]");
        assertEquals(2, r.code(), r.err());
        String err = r.err().strip();
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.startsWith("error: ") && err.contains("is in use by pipeline (pid 4242 on cron-host, user cron) "
                + "since 2026-11-30T02:00:00Z"), err);
        assertFalse(Files.exists(root.resolve("data")), "nothing was started");
    }
}
