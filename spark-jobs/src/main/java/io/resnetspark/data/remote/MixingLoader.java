package io.resnetspark.data.remote;

import io.resnetspark.data.format.BatchChecksums;
import io.resnetspark.data.format.BatchTransform;
import io.resnetspark.data.format.Minibatch;
import io.resnetspark.data.format.MixedBatch;
import io.resnetspark.storage.RemoteStorage;
import java.io.IOException;
import java.util.Map;
import java.util.Random;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.core.loader.DataSetLoader;
import org.nd4j.common.loader.Source;
import org.nd4j.linalg.dataset.DataSet;

/**
 * What {@code SparkComputationGraph.fitPaths} runs on executors for each training file of an epoch: the
 * file's {@link MixedBatch} (its images mixed with those of the other files of its group), augmented and
 * normalized by the {@link BatchTransform}. The epoch's plan and the files' checksums travel as broadcasts; the
 * loader itself, shipped with every task, stays small.
 */
public class MixingLoader implements DataSetLoader {
    private static final long serialVersionUID = 1L;

    private final Broadcast<Map<String, MixedBatch>> plan;
    private final Broadcast<BatchChecksums> checks;
    private final BatchTransform transform;
    private final long seed;
    private final RemoteStorage remote;
    private transient GroupMixer mixer;

    public MixingLoader(Broadcast<Map<String, MixedBatch>> plan, Broadcast<BatchChecksums> checks,
                        BatchTransform transform, long seed, RemoteStorage remote) {
        this.plan = plan;
        this.checks = checks;
        this.transform = transform;
        this.seed = seed;
        this.remote = remote;
    }

    @Override
    public DataSet load(Source source) throws IOException {
        MixedBatch b = plan.value().get(source.getPath());
        if (b == null) {
            throw new IOException(source.getPath() + " is not a training file of this epoch's plan");
        }
        if (mixer == null) {
            mixer = new GroupMixer(remote.storage(), checks.value(), seed);
        }
        Minibatch m = mixer.load(b);
        return transform.apply(m, new Random(seed * 31 + b.group() * 1_009L + b.slice()));
    }
}
