package io.resnetspark.cli;

import io.resnetspark.train.Trainer;
import java.util.Map;

/** {@code train}: trains a model of the zoo on prepared data with Spark (parameter averaging or gradient sharing). */
public final class TrainCommand implements Command {
    @Override
    public String name() {
        return "train";
    }

    @Override
    public String summary() {
        return "train a ResNet on prepared data on Spark, with per-epoch validation, checkpoints and resume";
    }

    @Override
    public Map<String, String> flags() {
        return Map.of("data", "train.data", "run", "train.run", "model", "model.name", "master-type", "train.master",
                "epochs", "train.epochs", "lr", "train.optimizer.lr", "optimizer", "train.optimizer.name",
                "seed", "train.seed");
    }

    @Override
    public Map<String, String> switches() {
        return Map.of("resume", "train.resume");
    }

    @Override
    public int run(Invocation inv) throws Exception {
        Trainer.Result r = new Trainer(inv.config(), System.err).run();
        if (r.alreadyTrained()) {
            System.out.println("already trained: " + r.run());
        } else {
            System.out.println((r.complete() ? "trained " : "stopped after epoch ") + r.epochsDone() + ": " + r.run());
        }
        return 0;
    }
}
