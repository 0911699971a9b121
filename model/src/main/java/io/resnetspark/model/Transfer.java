package io.resnetspark.model;

import java.util.List;
import org.deeplearning4j.nn.conf.distribution.UniformDistribution;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.transferlearning.FineTuneConfiguration;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.nd4j.linalg.learning.config.IUpdater;

/** Transfer learning: a trained backbone with a fresh classifier for another set of classes. */
public final class Transfer {
    private Transfer() {
    }

    /**
     * Replaces (or, for an include_top=false backbone, adds) the classifier for {@code classes} and,
     * when asked, freezes every layer up to the pooled features.
     */
    public static ModelStore.Loaded newHead(ModelStore.Loaded source, List<String> classes, boolean freezeBackbone,
                                            IUpdater updater) {
        if (classes.isEmpty()) {
            throw new ModelOptionException("classes", "a new head needs at least one class");
        }
        ComputationGraph g = source.graph();
        ModelMetadata meta = source.metadata();
        int features = meta.options().architecture().featureWidth();
        TransferLearning.GraphBuilder b = new TransferLearning.GraphBuilder(g)
                .fineTuneConfiguration(new FineTuneConfiguration.Builder().updater(updater).build());
        if (g.getVertex(ResNetBuilder.HEAD) != null) {
            double bound = 1.0 / Math.sqrt(features);
            b.nOutReplace(ResNetBuilder.HEAD, classes.size(),
                    new UniformDistribution(-bound, bound));
        } else {
            b.addLayer(ResNetBuilder.HEAD, ResNetBuilder.classifier(features, classes.size()), ResNetBuilder.FEATURES)
                    .setOutputs(ResNetBuilder.HEAD);
        }
        if (freezeBackbone) {
            b.setFeatureExtractor(ResNetBuilder.FEATURES);
        }
        ComputationGraph result = b.build();
        ResNetOptions options = meta.options().toBuilder().classes(classes.size()).includeTop(true).build();
        return new ModelStore.Loaded(result, meta.withOptions(options, classes));
    }
}
