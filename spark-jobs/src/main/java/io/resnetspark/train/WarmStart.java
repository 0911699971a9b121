package io.resnetspark.train;

import io.resnetspark.common.UserError;
import io.resnetspark.model.ModelStore;
import io.resnetspark.model.Optimization;
import io.resnetspark.model.ResNetOptions;
import io.resnetspark.model.Transfer;
import io.resnetspark.storage.Storage;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.transferlearning.FineTuneConfiguration;
import org.deeplearning4j.nn.transferlearning.TransferLearning;

/**
 * {@code train.init-from}: start from the weights of an earlier model (retraining's champion) instead
 * of a fresh initialisation. The architecture and input must match; a different class list gets a new
 * classifier (the backbone is kept). The optimizer and its state are this run's, not the old model's.
 */
final class WarmStart {
    private WarmStart() {
    }

    static ComputationGraph from(Storage storage, String uri, ResNetOptions options, List<String> classes,
                                 Optimization optimization) throws IOException {
        ModelStore.Loaded src;
        try (InputStream in = storage.open(Storage.path(uri))) {
            src = ModelStore.load(in, uri, false);
        }
        ResNetOptions o = src.metadata().options();
        if (!o.model().equals(options.model()) || o.channels() != options.channels() || o.height() != options.height()
                || o.width() != options.width()) {
            throw new UserError("train.init-from " + uri + " is a " + o.model() + " for " + o.inputShape()
                    + " inputs, but this run trains a " + options.model() + " for " + options.inputShape());
        }
        ModelStore.Loaded start = src.metadata().classes().equals(classes) ? src
                : Transfer.newHead(src, classes, false, optimization.updater());
        FineTuneConfiguration.Builder tune = new FineTuneConfiguration.Builder().updater(optimization.updater());
        if (optimization.l2() > 0) {
            tune.l2(optimization.l2());
        }
        if (optimization.weightDecay() > 0) {
            tune.weightDecay(optimization.weightDecay());
        }
        return new TransferLearning.GraphBuilder(start.graph()).fineTuneConfiguration(tune.build()).build();
    }
}
