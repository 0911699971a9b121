package io.resnetspark.train.remote;

import io.resnetspark.model.OneDnn;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.TrainingHook;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Puts the project's oneDNN helpers into the network copies dl4j-spark's averaging workers make from the
 * broadcast configuration and parameters: no code of ours builds those, and a training hook is the one
 * thing DL4J runs on them before every step (listeners run only after a step, which would leave the
 * first step of every averaging round on DL4J's slower helpers).
 */
public final class OwnHelpersHook implements TrainingHook {
    private static final long serialVersionUID = 1L;

    // a worker makes a new copy per averaging round; install once per copy
    private transient Model done;

    @Override
    public void preUpdate(DataSet minibatch, Model model) {
        install(model);
    }

    @Override
    public void preUpdate(MultiDataSet minibatch, Model model) {
        install(model);
    }

    @Override
    public void postUpdate(DataSet minibatch, Model model) {
    }

    @Override
    public void postUpdate(MultiDataSet minibatch, Model model) {
    }

    private void install(Model model) {
        if (model != done && model instanceof ComputationGraph g) {
            OneDnn.install(g);
            TaskThreads.apply();
            done = model;
        }
    }
}
