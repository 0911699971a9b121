package io.resnetspark.train;

import io.resnetspark.model.Optimization;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.schedule.ISchedule;

/** The {@code train.optimizer.*} settings as the DL4J updater and weight decay of the network. */
public final class Optimizers {
    private Optimizers() {
    }

    public static Optimization of(TrainSettings.OptimizerSettings o, ISchedule lr) {
        IUpdater updater = switch (o.name()) {
            case "sgd" -> o.momentum() > 0 ? new Nesterovs(lr, o.momentum()) : new Sgd(lr);
            case "adam", "adamw" -> {
                Adam adam = new Adam(lr);
                adam.setBeta1(o.beta1());
                adam.setBeta2(o.beta2());
                adam.setEpsilon(o.epsilon());
                yield adam;
            }
            default -> throw new IllegalArgumentException("unknown optimizer " + o.name());
        };
        // adamw decouples the decay from the adaptive step (Loshchilov & Hutter); sgd and adam use coupled L2
        return o.name().equals("adamw") ? new Optimization(updater, 0.0, o.weightDecay())
                : new Optimization(updater, o.weightDecay(), 0.0);
    }
}
