package io.resnetspark.train;

import io.resnetspark.config.JobConfig;
import io.resnetspark.config.UserError;
import java.io.Serializable;

/**
 * Every {@code train.*} key, read and checked at once, before any Spark work: a bad value fails here
 * with one sentence naming the key.
 */
public record TrainSettings(String data, String run, int epochs, boolean resume, int stopAfterEpochs, String master,
                            long seed, OptimizerSettings optimizer, LrSchedule schedule, boolean linearScaling,
                            int referenceBatch, int padCrop, double flip, Averaging averaging, Sharing sharing,
                            boolean gpuBinding, boolean trackTest) implements Serializable {

    public record OptimizerSettings(String name, double lr, double momentum, boolean nesterov, double weightDecay,
                                    double beta1, double beta2, double epsilon) implements Serializable {
    }

    public record Averaging(int frequency, int prefetch, int aggregationDepth, int workers) implements Serializable {
    }

    public record Sharing(String thresholdAlgorithm, double threshold, double minSparsity, double maxSparsity,
                          double targetSparsity, double decayRate, int portFrom, int portTo, int controllerPort,
                          String networkMask, String controllerAddress, int prefetch, int workers, String tmpDir,
                          long aeronUnblockTimeoutNs, int bnRecalibrationBatches) implements Serializable {
    }

    public static TrainSettings from(JobConfig c) {
        int epochs = c.getInt("train.epochs", 1, 100_000);
        OptimizerSettings opt = new OptimizerSettings(
                c.getChoice("train.optimizer.name", "sgd", "adam", "adamw"),
                // no upper bound: an absurd rate is caught as divergence, with advice, in the first epoch
                c.getDouble("train.optimizer.lr", Double.MIN_VALUE, Double.MAX_VALUE),
                c.getDouble("train.optimizer.momentum", 0, 0.999999),
                c.getBoolean("train.optimizer.nesterov"),
                c.getDouble("train.optimizer.weight-decay", 0, 1),
                c.getDouble("train.optimizer.beta1", 0, 0.999999),
                c.getDouble("train.optimizer.beta2", 0, 0.999999999),
                c.getDouble("train.optimizer.epsilon", Double.MIN_VALUE, 1));
        if (opt.name().equals("sgd") && opt.momentum() > 0 && !opt.nesterov()) {
            throw new UserError("configuration key 'train.optimizer.nesterov' must be true when "
                    + "'train.optimizer.momentum' is above 0: DL4J only offers Nesterov momentum (set momentum = 0 "
                    + "for plain SGD)");
        }
        LrSchedule schedule = new LrSchedule(
                c.getChoice("train.schedule.name", "constant", "step", "cosine"),
                c.getInt("train.schedule.warmup-epochs", 0, epochs),
                c.getInt("train.schedule.step-size", 1, 100_000),
                c.getDouble("train.schedule.gamma", 0, 1),
                c.getDouble("train.schedule.min-lr", 0, opt.lr()));
        String[] ports = c.getString("train.sharing.ports").trim().split("-");
        int from;
        int to;
        try {
            from = Integer.parseInt(ports[0].trim());
            to = ports.length == 1 ? from : Integer.parseInt(ports[1].trim());
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            throw new UserError("configuration key 'train.sharing.ports' must be a port range such as 40200-40299, got '"
                    + c.getString("train.sharing.ports") + "'");
        }
        if (ports.length > 2 || from < 1024 || to > 65535 || from > to) {
            throw new UserError("configuration key 'train.sharing.ports' must be a range of ports between 1024 and "
                    + "65535 such as 40200-40299, got '" + c.getString("train.sharing.ports") + "'");
        }
        long unblock = c.getDuration("train.sharing.aeron-unblock-timeout").toNanos();
        if (unblock < 11_000_000_000L) {
            throw new UserError("configuration key 'train.sharing.aeron-unblock-timeout' must be more than Aeron's "
                    + "client liveness timeout (10s), got " + c.getString("train.sharing.aeron-unblock-timeout"));
        }
        Sharing sharing = new Sharing(
                c.getChoice("train.sharing.threshold-algorithm", "adaptive", "fixed", "target-sparsity"),
                c.getDouble("train.sharing.threshold", Double.MIN_VALUE, 10),
                c.getDouble("train.sharing.min-sparsity", Double.MIN_VALUE, 1),
                c.getDouble("train.sharing.max-sparsity", Double.MIN_VALUE, 1),
                c.getDouble("train.sharing.target-sparsity", Double.MIN_VALUE, 1),
                c.getDouble("train.sharing.decay-rate", Double.MIN_VALUE, 1),
                from, to,
                c.getInt("train.sharing.controller-port", 1024, 65535),
                c.getString("train.sharing.network-mask").trim(),
                c.getString("train.sharing.controller-address").trim(),
                c.getInt("train.sharing.prefetch", 0, 1000),
                c.getInt("train.sharing.workers", 0, 100_000),
                c.getString("train.sharing.tmp-dir").trim(),
                unblock,
                c.getInt("train.sharing.bn-recalibration-batches", 0, 1_000_000));
        if (sharing.minSparsity() > sharing.maxSparsity()) {
            throw new UserError("configuration key 'train.sharing.min-sparsity' must not exceed "
                    + "'train.sharing.max-sparsity'");
        }
        if (from <= sharing.controllerPort() && sharing.controllerPort() <= to) {
            throw new UserError("configuration key 'train.sharing.controller-port' must lie outside "
                    + "'train.sharing.ports' (" + from + "-" + to + "), got " + sharing.controllerPort());
        }
        if (!sharing.networkMask().isEmpty() && !sharing.networkMask().matches("\\d{1,3}(\\.\\d{1,3}){3}/\\d{1,2}")) {
            throw new UserError("configuration key 'train.sharing.network-mask' must be a subnet such as 10.0.0.0/16, "
                    + "got '" + sharing.networkMask() + "'");
        }
        return new TrainSettings(
                c.require("train.data", "prepared data (--data)"),
                c.require("train.run", "run directory (--run)"),
                epochs,
                c.getBoolean("train.resume"),
                c.getInt("train.stop-after-epochs", 0, 100_000),
                c.getChoice("train.master", "averaging", "sharing"),
                c.getLong("train.seed"),
                opt, schedule,
                c.getBoolean("train.linear-scaling.enabled"),
                c.getInt("train.linear-scaling.reference-batch", 1, 1 << 20),
                c.getInt("train.augmentation.pad-crop", 0, 1024),
                c.getDouble("train.augmentation.flip", 0, 1),
                new Averaging(
                        c.getInt("train.averaging.frequency", 1, 1_000_000),
                        c.getInt("train.averaging.prefetch", 0, 1000),
                        c.getInt("train.averaging.aggregation-depth", 1, 20),
                        c.getInt("train.averaging.workers", 0, 100_000)),
                sharing,
                c.getBoolean("train.gpu-binding"),
                c.getBoolean("train.track-test"));
    }

    /** Workers as configured for the chosen master (0 = Spark's default parallelism). */
    public int configuredWorkers() {
        return master.equals("sharing") ? sharing.workers() : averaging.workers();
    }

    /** The learning rate the schedule starts from: scaled by the global batch when linear scaling is on. */
    public double baseLr(int globalBatch) {
        return linearScaling ? optimizer.lr() * globalBatch / referenceBatch : optimizer.lr();
    }
}
