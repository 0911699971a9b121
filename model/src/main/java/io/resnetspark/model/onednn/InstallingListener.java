package io.resnetspark.model.onednn;

import io.resnetspark.model.OneDnn;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.BaseTrainingListener;

/**
 * Puts the project's helpers into networks that other code builds, such as the copies dl4j-spark's
 * workers make from the broadcast configuration and parameters (they get the training master's
 * listeners, and no other hook of ours runs there). DL4J calls listeners only after a step, so the
 * first step of each worker copy still runs on DL4J's helpers; the rest run on these.
 */
public final class InstallingListener extends BaseTrainingListener implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    private transient Model done;

    @Override
    public void iterationDone(Model model, int iteration, int epoch) {
        if (model != done && model instanceof ComputationGraph g) {
            OneDnn.install(g);
            done = model;
        }
    }
}
