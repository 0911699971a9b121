package io.resnetspark.faults;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.SparkStatusTracker;
import org.apache.spark.sql.SparkSession;

/**
 * Kills one executor JVM of this test's local-cluster while an epoch's training tasks run: it waits until
 * metrics.jsonl has {@code afterEpoch} lines (the following epoch has begun), then until the stage named
 * has running tasks, then SIGKILLs one executor. Only executors started by this JVM are
 * candidates (its descendants), never another process's.
 */
final class ExecutorKiller implements AutoCloseable {
    private final Thread thread;
    private volatile long killedPid = -1;
    private volatile Set<Long> executorsAtKill = Set.of();
    private volatile Exception failure;

    /** @param stage a part of the name of the Spark stage to kill in (its call site, e.g. "treeAggregate at X.java") */
    ExecutorKiller(Path run, int afterEpoch, String stage) {
        thread = new Thread(() -> {
            try {
                Path metrics = run.resolve("metrics.jsonl");
                while (lines(metrics) < afterEpoch) {
                    Thread.sleep(50);
                }
                while (!tasksRunning(stage)) {
                    Thread.sleep(20);
                }
                List<ProcessHandle> executors = executors();
                if (executors.isEmpty()) {
                    throw new IllegalStateException("no executor JVM found among this JVM's descendants");
                }
                executorsAtKill = executors.stream().map(ProcessHandle::pid).collect(Collectors.toSet());
                ProcessHandle victim = executors.get(0);
                victim.destroyForcibly();
                killedPid = victim.pid();
            } catch (InterruptedException e) {
                // the run ended first
            } catch (Exception e) {
                failure = e;
            }
        }, "executor-killer");
        thread.setDaemon(true);
        thread.start();
    }

    static List<ProcessHandle> executors() {
        return ProcessHandle.current().descendants()
                .filter(p -> commandLine(p).contains("CoarseGrainedExecutorBackend"))
                .filter(ProcessHandle::isAlive).toList();
    }

    /**
     * The whole command line: the JDK cuts {@code Info.commandLine()} short for long ones, and an executor's
     * (the test classpath) is tens of kilobytes, with the class name at its end.
     */
    private static String commandLine(ProcessHandle p) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "cmdline"));
            return new String(raw, java.nio.charset.StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (java.io.IOException | RuntimeException e) {
            return p.info().commandLine().orElse("");
        }
    }

    private static int lines(Path metrics) {
        try {
            return Files.exists(metrics) ? (int) Files.readAllLines(metrics).stream().filter(l -> !l.isBlank()).count()
                    : 0;
        } catch (java.io.IOException e) {
            return 0; // being replaced right now
        }
    }

    private static boolean tasksRunning(String stage) {
        scala.Option<SparkSession> session = SparkSession.getDefaultSession();
        if (session.isEmpty()) {
            return false;
        }
        SparkStatusTracker tracker = session.get().sparkContext().statusTracker();
        for (int id : tracker.getActiveStageIds()) {
            scala.Option<org.apache.spark.SparkStageInfo> info = tracker.getStageInfo(id);
            if (info.isDefined() && info.get().numActiveTasks() > 0 && info.get().name().contains(stage)) {
                return true;
            }
        }
        return false;
    }

    /** The pid of the executor killed, or -1 if none was. */
    long killedPid() throws Exception {
        if (failure != null) {
            throw failure;
        }
        return killedPid;
    }

    Set<Long> executorsAtKill() {
        return executorsAtKill;
    }

    @Override
    public void close() throws InterruptedException {
        thread.interrupt();
        thread.join(10_000);
    }
}
