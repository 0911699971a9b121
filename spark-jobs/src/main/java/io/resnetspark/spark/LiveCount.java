package io.resnetspark.spark;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple4;
import scala.collection.JavaConverters;
import scala.collection.Seq;

/**
 * An accumulator's value as it grows, for progress lines: Spark merges accumulators only when a task
 * ends, and a gradient-sharing worker's task lasts the whole epoch; but executors also report the
 * partial values of running tasks with every heartbeat, and this adds those in.
 */
public final class LiveCount extends SparkListener implements LongSupplier, AutoCloseable {
    private final SparkContext sc;
    private final LongAccumulator acc;
    private final Map<Long, Long> running = new ConcurrentHashMap<>();

    private LiveCount(SparkContext sc, LongAccumulator acc) {
        this.sc = sc;
        this.acc = acc;
    }

    public static LiveCount of(SparkContext sc, LongAccumulator acc) {
        LiveCount c = new LiveCount(sc, acc);
        sc.addSparkListener(c);
        return c;
    }

    @Override
    public long getAsLong() {
        return acc.value() + running.values().stream().mapToLong(Long::longValue).sum();
    }

    @Override
    public void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate update) {
        for (Tuple4<Object, Object, Object, Seq<AccumulableInfo>> task
                : JavaConverters.seqAsJavaList(update.accumUpdates())) {
            for (AccumulableInfo info : JavaConverters.seqAsJavaList(task._4())) {
                if (info.id() == acc.id() && info.update().isDefined()
                        && info.update().get() instanceof Number n) {
                    running.put((Long) task._1(), n.longValue());
                }
            }
        }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
        running.remove(end.taskInfo().taskId());
    }

    @Override
    public void close() {
        sc.removeSparkListener(this);
    }
}
