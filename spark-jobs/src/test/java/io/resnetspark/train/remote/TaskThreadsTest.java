package io.resnetspark.train.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/** Each training task thread of local[2] computes with the one core Spark gave it, and a team of two with two. */
class TaskThreadsTest {

    @Test
    void aTaskThreadComputesWithTheCoresOfItsTask() {
        for (int cpus : new int[] {1, 2}) {
            SparkSession spark = SparkSession.builder().master("local[2]").appName("TaskThreadsTest")
                    .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                    .config("spark.task.cpus", Integer.toString(cpus)).getOrCreate();
            try {
                List<Integer> teams = JavaSparkContext.fromSparkContext(spark.sparkContext())
                        .parallelize(List.of(1, 2), 2).map(i -> {
                            Nd4j.getExecutioner(); // the backend loaded, as on any worker
                            TaskThreads.apply();
                            return NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads();
                        }).collect();
                assertEquals(List.of(cpus, cpus), teams, "OpenMP team of each task with spark.task.cpus=" + cpus);
            } finally {
                spark.stop();
            }
        }
    }
}
