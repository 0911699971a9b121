package io.resnetspark.train;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

/**
 * The learning rate of each epoch (0-based): optional linear warmup, then constant, step decay or cosine
 * annealing. Computed on the driver; {@link #toDl4j} turns the table into an epoch-keyed DL4J schedule
 * stored in the network configuration, which is what the workers of both masters read (a gradient
 * sharing worker keeps its own copy of the network across epochs, so setting the rate on the driver's
 * network between epochs would not reach it).
 */
public record LrSchedule(String name, int warmupEpochs, int stepSize, double gamma, double minLr)
        implements Serializable {

    public double lr(double base, int epoch, int epochs) {
        if (epoch < warmupEpochs) {
            return base * (epoch + 1) / (warmupEpochs + 1);
        }
        return switch (name) {
            case "constant" -> base;
            case "step" -> base * Math.pow(gamma, epoch / stepSize);
            case "cosine" -> {
                int span = Math.max(1, epochs - warmupEpochs);
                double t = Math.min(1.0, (double) (epoch - warmupEpochs) / span);
                yield minLr + (base - minLr) * 0.5 * (1 + Math.cos(Math.PI * t));
            }
            default -> throw new IllegalArgumentException("unknown schedule " + name);
        };
    }

    /**
     * An epoch-keyed DL4J schedule of {@link #lr} for the epochs from {@code first} (0-based) on, keyed from
     * 0: a network that starts counting at this invocation's first epoch reads the right rates.
     */
    public ISchedule toDl4j(double base, int first, int epochs) {
        Map<Integer, Double> values = new HashMap<>();
        for (int e = first; e < Math.max(first + 1, epochs); e++) {
            values.put(e - first, lr(base, e, epochs));
        }
        return new MapSchedule(ScheduleType.EPOCH, values);
    }
}
