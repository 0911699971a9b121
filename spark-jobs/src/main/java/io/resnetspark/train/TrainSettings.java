package io.resnetspark.train;

import io.resnetspark.common.UserError;
import io.resnetspark.config.JobConfig;
import io.resnetspark.data.format.Augmentation;
import java.io.Serializable;

/**
 * Every {@code train.*} key, read and checked at once, before any Spark work: a bad value fails here
 * with one sentence naming the key.
 */
public record TrainSettings(String data, String run, int epochs, boolean resume, int stopAfterEpochs, MasterKind master,
                            long seed, OptimizerSettings optimizer, LrSchedule schedule, boolean linearScaling,
                            int referenceBatch, Augmentation augmentation, int mixFiles, Averaging averaging,
                            Sharing sharing, boolean gpuBinding, boolean trackTest, boolean skipBadFiles,
                            long stallTimeoutMs, int freezeBackboneEpochs) implements Serializable {

    public record OptimizerSettings(String name, double lr, double momentum, boolean nesterov, double weightDecay,
                                    double beta1, double beta2, double epsilon) implements Serializable {
    }

    public record Averaging(int frequency, int prefetch, int aggregationDepth, int workers) implements Serializable {
    }

    /**
     * @param ports     TCP ports a worker may listen on for the gradient ring, {from, to}; {0, 0} = any free port
     * @param timeoutMs how long a worker waits for its neighbour in the ring before the epoch fails
     */
    public record Sharing(int[] ports, int timeoutMs, int prefetch, int workers) implements Serializable {
    }

    /** The two training masters: a type chosen once from {@code train.master}. */
    public enum MasterKind {
        /** DL4J's parameter averaging: workers fit on their own and average every few minibatches. */
        AVERAGING,
        /** Synchronous gradient sharing: every step's gradient is averaged over all workers (ring all-reduce). */
        SHARING;

        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
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
        Sharing sharing = new Sharing(ports(c),
                (int) Math.min(Integer.MAX_VALUE, c.getDuration("train.sharing.timeout").toMillis()),
                c.getInt("train.sharing.prefetch", 1, 1000),
                c.getInt("train.sharing.workers", 0, 100_000));
        if (sharing.timeoutMs() < 1000) {
            throw new UserError("configuration key 'train.sharing.timeout' must be at least 1s, got "
                    + c.getString("train.sharing.timeout"));
        }
        return new TrainSettings(
                c.require("train.data", "prepared data (--data)"),
                c.require("train.run", "run directory (--run)"),
                epochs,
                c.getBoolean("train.resume"),
                c.getInt("train.stop-after-epochs", 0, 100_000),
                MasterKind.valueOf(c.getChoice("train.master", "averaging", "sharing").toUpperCase(java.util.Locale.ROOT)),
                c.getLong("train.seed"),
                opt, schedule,
                c.getBoolean("train.linear-scaling.enabled"),
                c.getInt("train.linear-scaling.reference-batch", 1, 1 << 20),
                augmentation(c),
                c.getInt("train.mix-files", 1, 1024),
                new Averaging(
                        c.getInt("train.averaging.frequency", 1, 1_000_000),
                        c.getInt("train.averaging.prefetch", 0, 1000),
                        c.getInt("train.averaging.aggregation-depth", 1, 20),
                        c.getInt("train.averaging.workers", 0, 100_000)),
                sharing,
                c.getBoolean("train.gpu-binding"),
                c.getBoolean("train.track-test"),
                c.getChoice("train.on-bad-file", "fail", "skip").equals("skip"),
                stallTimeout(c),
                c.getInt("train.freeze-backbone-epochs", 0, 100_000));
    }

    /** {@code train.stall-timeout}: 0 = off, else at least a second. */
    private static long stallTimeout(JobConfig c) {
        long ms = c.getDuration("train.stall-timeout").toMillis();
        if (ms != 0 && ms < 1000) {
            throw new UserError("configuration key 'train.stall-timeout' must be 0 (off) or at least 1s, got "
                    + c.getString("train.stall-timeout"));
        }
        return ms;
    }

    /** Workers as configured for the chosen master (0 = Spark's default parallelism). */
    public int configuredWorkers() {
        return master == MasterKind.SHARING ? sharing.workers() : averaging.workers();
    }

    /** Pad-and-crop or random-resized crop (not both), and the flip. */
    private static Augmentation augmentation(JobConfig c) {
        int padCrop = c.getInt("train.augmentation.pad-crop", 0, 1024);
        double flip = c.getDouble("train.augmentation.flip", 0, 1);
        double min = c.getDouble("train.augmentation.random-resized-crop.min-scale", 0, 1);
        double max = c.getDouble("train.augmentation.random-resized-crop.max-scale", 0, 1);
        if (min == 0) {
            return new Augmentation(padCrop, flip);
        }
        if (padCrop > 0) {
            throw new UserError("configuration keys 'train.augmentation.pad-crop' and "
                    + "'train.augmentation.random-resized-crop.min-scale' are alternatives; set only one of them");
        }
        if (min > max) {
            throw new UserError("configuration key 'train.augmentation.random-resized-crop.min-scale' (" + min
                    + ") must not exceed 'train.augmentation.random-resized-crop.max-scale' (" + max + ")");
        }
        return Augmentation.randomResizedCrop(min, max, flip);
    }

    private static int[] ports(JobConfig c) {
        String range = c.getString("train.sharing.ports").trim();
        if (range.isEmpty()) {
            return new int[] {0, 0};
        }
        String[] ends = range.split("-");
        try {
            int from = Integer.parseInt(ends[0].trim());
            int to = ends.length == 1 ? from : Integer.parseInt(ends[1].trim());
            if (ends.length <= 2 && from >= 1024 && to <= 65535 && from <= to) {
                return new int[] {from, to};
            }
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            // the sentence below says what is wanted
        }
        throw new UserError("configuration key 'train.sharing.ports' must be empty (any free port) or a range of "
                + "ports between 1024 and 65535 such as 40200-40299, got '" + range + "'");
    }

    /** The learning rate the schedule starts from: scaled by the global batch when linear scaling is on. */
    public double baseLr(int globalBatch) {
        return linearScaling ? optimizer.lr() * globalBatch / referenceBatch : optimizer.lr();
    }
}
