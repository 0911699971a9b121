package io.resnetspark.train;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;

/**
 * DL4J's parameter averaging, with the epoch's file order kept: DL4J deals the files of an epoch into
 * averaging rounds at random, while here round r is the r-th run of {@code workers x frequency} files of
 * the order, and each worker's part of it is {@code frequency} consecutive files. The order is already
 * shuffled per epoch on the driver, so nothing is lost in randomness, and the files that
 * {@link io.resnetspark.data.format.MixedBatch#perFile} groups together are fitted by one worker in one task,
 * which then reads each of them once.
 */
final class RoundsInOrder extends ParameterAveragingTrainingMaster {
    private static final long serialVersionUID = 1L;

    /** @param b a builder that never repartitions (Repartition.Never): the rounds come partitioned */
    RoundsInOrder(Builder b) {
        super(b);
    }

    /**
     * The epoch's files as the workers will fit them: per averaging round, the consecutive files each worker
     * fits ({@code frequency} of them; a short last round is shared out evenly among the workers).
     */
    <T> List<List<T>> units(List<T> order, int examplesPerFile) {
        int unit = Math.max(1, numObjectsEachWorker(examplesPerFile));
        int round = unit * numWorkers;
        List<List<T>> out = new ArrayList<>();
        for (int from = 0; from < order.size(); from += round) {
            List<T> files = order.subList(from, Math.min(order.size(), from + round));
            int k = Math.min(numWorkers, files.size());
            // the cut of JavaSparkContext.parallelize(files, k): slice i holds [i n / k, (i + 1) n / k)
            for (int i = 0; i < k; i++) {
                out.add(files.subList(i * files.size() / k, (i + 1) * files.size() / k));
            }
        }
        return out;
    }

    @Override
    @SuppressWarnings("unchecked")
    protected <T> JavaRDD<T>[] getSplitRDDs(JavaRDD<T> data, int total, int examplesPerFile) {
        List<T> order = data.collect();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(data.context());
        int round = Math.max(1, numObjectsEachWorker(examplesPerFile)) * numWorkers;
        List<JavaRDD<T>> rounds = new ArrayList<>();
        for (int from = 0; from < order.size(); from += round) {
            List<T> files = new ArrayList<>(order.subList(from, Math.min(order.size(), from + round)));
            rounds.add(sc.parallelize(files, Math.min(numWorkers, files.size())));
        }
        return rounds.toArray(new JavaRDD[0]);
    }
}
