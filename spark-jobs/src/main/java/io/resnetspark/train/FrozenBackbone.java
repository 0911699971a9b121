package io.resnetspark.train;

import io.resnetspark.model.ResNetBuilder;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.FrozenVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.transferlearning.TransferLearning;

/**
 * {@code train.freeze-backbone-epochs}: the first epochs train only the classifier, the seeds' transfer
 * recipe. DL4J's frozen layers keep their parameters and run batch norm with its running statistics
 * (as a PyTorch backbone in eval mode), on the workers of either master, since the freezing is part
 * of the network's configuration. Checkpoints always hold the {@link #unfrozen} network, so every
 * later stage sees an ordinary model.
 */
final class FrozenBackbone {
    private FrozenBackbone() {
    }

    /** Everything up to the pooled features frozen; the classifier and its updater state keep training. */
    static ComputationGraph frozen(ComputationGraph graph) {
        return new TransferLearning.GraphBuilder(graph).setFeatureExtractor(ResNetBuilder.FEATURES).build();
    }

    static boolean isFrozen(ComputationGraph graph) {
        for (GraphVertex v : graph.getConfiguration().getVertices().values()) {
            if (v instanceof FrozenVertex || v instanceof LayerVertex lv && isFrozen(lv.getLayerConf().getLayer())) {
                return true;
            }
        }
        return false;
    }

    private static boolean isFrozen(Layer l) {
        return l instanceof FrozenLayer || l instanceof FrozenLayerWithBackprop;
    }

    /**
     * The same network with every layer trainable again (a copy with the same parameters; the updater
     * starts fresh, as a new optimizer does when a PyTorch recipe unfreezes). The network itself if
     * nothing is frozen.
     */
    static ComputationGraph unfrozen(ComputationGraph graph) {
        if (!isFrozen(graph)) {
            return graph;
        }
        ComputationGraphConfiguration conf = graph.getConfiguration().clone();
        for (String name : conf.getVertices().keySet()) {
            GraphVertex v = conf.getVertices().get(name);
            if (v instanceof FrozenVertex f) {
                v = f.getUnderlying();
                conf.getVertices().put(name, v);
            }
            if (v instanceof LayerVertex lv) {
                Layer l = lv.getLayerConf().getLayer();
                while (isFrozen(l)) {
                    l = l instanceof FrozenLayer f ? f.getLayer() : ((FrozenLayerWithBackprop) l).getUnderlying();
                }
                lv.getLayerConf().setLayer(l);
            }
        }
        ComputationGraph out = new ComputationGraph(conf);
        out.init(graph.params().dup(), false);
        return out;
    }
}
