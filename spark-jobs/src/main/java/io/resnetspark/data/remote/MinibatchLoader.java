package io.resnetspark.data.remote;

import io.resnetspark.data.format.BatchTransform;
import io.resnetspark.data.format.Minibatch;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import org.deeplearning4j.core.loader.DataSetLoader;
import org.nd4j.common.loader.Source;
import org.nd4j.linalg.dataset.DataSet;

/**
 * What {@code SparkComputationGraph.fitPaths} and {@code doEvaluation} run on executors for each
 * minibatch file: read the uint8 batch and apply the {@link BatchTransform}. Serializable and small:
 * it is shipped with every task.
 */
public class MinibatchLoader implements DataSetLoader {
    private static final long serialVersionUID = 1L;

    private final BatchTransform transform;
    private final long seed;

    public MinibatchLoader(BatchTransform transform, long seed) {
        this.transform = transform;
        this.seed = seed;
    }

    @Override
    public DataSet load(Source source) throws IOException {
        Minibatch b;
        try (InputStream in = source.getInputStream()) {
            b = Minibatch.read(in, source.getPath());
        }
        // a different draw per file and per epoch seed, reproducible for a given (seed, file)
        Random random = new Random(seed * 31 + source.getPath().hashCode());
        return transform.apply(b, random);
    }
}
