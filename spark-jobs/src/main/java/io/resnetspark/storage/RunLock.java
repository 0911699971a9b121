package io.resnetspark.storage;

import io.resnetspark.common.Progress;
import io.resnetspark.common.UserError;
import io.resnetspark.model.ModelStore;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * One writer per directory (a pipeline root, a training run): {@code <dir>/_LOCK} names its holder (what,
 * host, pid, user, since) and a heartbeat the holder rewrites every {@link #HEARTBEAT}. A second run is
 * refused at once, in one sentence naming the holder; a lock whose holder is gone (a dead pid on this host,
 * or no heartbeat for {@link #STALE}) is taken over.
 *
 * <p>No rename is involved, since S3 has none. Taking the lock is a create that must not overwrite, then,
 * after {@link #SETTLE}, a read-back that must find this holder's token. On file:// and hdfs:// the create
 * alone is exclusive (HDFS's create-if-absent is atomic on the NameNode). S3A checks for the object and then
 * PUTs it, so two runs starting within the same instant could both create it; S3's read-after-write
 * consistency makes the last PUT win for every reader, and the read-back after the settle delay lets only
 * that one proceed: exclusive as long as a PUT completes within the settle delay. A holder that finds
 * another token at its next heartbeat (it was stalled for longer than {@link #STALE} and was taken over)
 * stops at its next {@link #check()}.
 */
public final class RunLock implements AutoCloseable {
    public static final String FILE = "_LOCK";
    static final Duration HEARTBEAT = Duration.ofSeconds(10);
    static final Duration STALE = Duration.ofMinutes(2);
    static final Duration SETTLE = Duration.ofSeconds(2);
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = ModelStore.JSON;
    /** Tokens of the locks this JVM holds now: a file naming this process with another token was left behind. */
    private static final java.util.Set<String> HELD = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final Storage storage;
    private final Path file;
    private final String what;
    private final Map<String, Object> holder;
    private final Thread heartbeat;
    private volatile String lost;

    private RunLock(Storage storage, Path file, String what, Map<String, Object> holder) {
        this.storage = storage;
        this.file = file;
        this.what = what;
        this.holder = holder;
        this.heartbeat = new Thread(this::beat, "run-lock heartbeat " + file);
        heartbeat.setDaemon(true);
    }

    /**
     * Takes the lock of {@code dir} for {@code what} (a command, for the message a second run gets), or refuses
     * in one sentence naming the holder.
     */
    public static RunLock acquire(Storage storage, Path dir, String what) {
        Path file = new Path(dir, FILE);
        Map<String, Object> me = new LinkedHashMap<>();
        me.put("what", what);
        me.put("host", host());
        me.put("pid", ProcessHandle.current().pid());
        me.put("user", System.getProperty("user.name", "?"));
        me.put("since", Instant.now().toString());
        me.put("heartbeat", System.currentTimeMillis());
        me.put("token", UUID.randomUUID().toString());
        RunLock lock = new RunLock(storage, file, what, me);
        Map<String, Object> other = lock.read();
        if (other != null) {
            String stale = staleness(other);
            if (stale == null) {
                throw refusal(dir, other);
            }
            // only the stale holder's file: another run may have taken it over since it was read
            Map<String, Object> again = lock.read();
            if (again != null && !String.valueOf(again.get("token")).equals(String.valueOf(other.get("token")))) {
                throw refusal(dir, again);
            }
            storage.delete(file);
        }
        if (!lock.create()) {
            Map<String, Object> winner = lock.read();
            throw refusal(dir, winner == null ? other : winner);
        }
        sleep(SETTLE);
        Map<String, Object> back = lock.read();
        if (back == null || !me.get("token").equals(back.get("token"))) {
            throw refusal(dir, back == null ? me : back);
        }
        HELD.add((String) me.get("token"));
        lock.heartbeat.start();
        return lock;
    }

    /** Why a holder no longer counts (its pid is gone on this host, or its heartbeat is old), or null. */
    static String staleness(Map<String, Object> holder) {
        Object pid = holder.get("pid");
        if (host().equals(holder.get("host")) && pid instanceof Number n) {
            // this very process, from a lock it closed while the store was unreachable (the delete failed)
            if (n.longValue() == ProcessHandle.current().pid() && !HELD.contains(String.valueOf(holder.get("token")))) {
                return "this process released it";
            }
            if (ProcessHandle.of(n.longValue()).map(p -> !p.isAlive()).orElse(true)) {
                return "its process " + n + " on " + host() + " is gone";
            }
        }
        Object beat = holder.get("heartbeat");
        long age = beat instanceof Number b ? System.currentTimeMillis() - b.longValue() : Long.MAX_VALUE;
        return age > STALE.toMillis() ? "its last heartbeat is " + Progress.formatSeconds(age / 1e3) + " old" : null;
    }

    private static UserError refusal(Path dir, Map<String, Object> h) {
        Object beat = h.get("heartbeat");
        String age = beat instanceof Number b
                ? ", last heartbeat " + Progress.formatSeconds(Math.max(0, System.currentTimeMillis() - b.longValue()) / 1e3)
                + " ago" : "";
        return new UserError(dir + " is in use by " + h.get("what") + " (pid " + h.get("pid") + " on " + h.get("host")
                + ", user " + h.get("user") + ") since " + h.get("since") + age + "; wait for it to finish, or, if that "
                + "run is gone, run again after " + Progress.formatSeconds(STALE.toSeconds()) + " without a heartbeat"
                + " (or delete " + new Path(dir, FILE) + ")");
    }

    /** Fails in one sentence when another run took the lock over (this one stalled past the stale limit). */
    public void check() {
        if (lost != null) {
            throw new UserError(file.getParent() + " was taken over by " + lost + " while this " + what + " was "
                    + "stalled; this run stops so that two runs never write the same files");
        }
    }

    @Override
    public void close() {
        HELD.remove((String) holder.get("token"));
        heartbeat.interrupt();
        try {
            heartbeat.join(HEARTBEAT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Map<String, Object> now = read();
        if (now != null && holder.get("token").equals(now.get("token"))) {
            storage.delete(file);
        }
    }

    private void beat() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(HEARTBEAT.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            try {
                Map<String, Object> now = read();
                if (now != null && !holder.get("token").equals(now.get("token"))) {
                    lost = now.get("what") + " (pid " + now.get("pid") + " on " + now.get("host") + ")";
                    return;
                }
                holder.put("heartbeat", System.currentTimeMillis());
                write(true);
            } catch (RuntimeException e) {
                // a missed heartbeat is harmless unless they go on for the stale limit; the next one retries
            }
        }
    }

    /** Creates the file unless it exists; false when another run created it first. */
    private boolean create() {
        try {
            write(false);
            return true;
        } catch (UserError e) {
            if (e.getCause() instanceof FileAlreadyExistsException) {
                return false;
            }
            throw e;
        }
    }

    private void write(boolean overwrite) {
        FileSystem fs = storage.fs(file);
        try (OutputStream out = fs.create(file, overwrite)) {
            out.write(JSON.writeValueAsBytes(holder));
        } catch (IOException e) {
            throw Storage.unreachable(file, e);
        }
    }

    /** The holder the file names; null when there is none. A file caught mid-write is read again. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> read() {
        for (int attempt = 0; ; attempt++) {
            byte[] bytes;
            try (InputStream in = storage.fs(file).open(file)) {
                bytes = in.readAllBytes();
            } catch (FileNotFoundException e) {
                return null;
            } catch (IOException e) {
                throw Storage.unreachable(file, e);
            }
            try {
                return JSON.readValue(bytes, Map.class);
            } catch (IOException e) {
                if (attempt >= 3) {
                    // unreadable for good: a holder that never finished writing, which counts as stale
                    Map<String, Object> unknown = new LinkedHashMap<>();
                    unknown.put("what", "an unknown run (" + new String(bytes, StandardCharsets.UTF_8).strip() + ")");
                    unknown.put("heartbeat", 0L);
                    return unknown;
                }
                sleep(Duration.ofMillis(200));
            }
        }
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
