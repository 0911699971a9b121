package io.resnetspark.data.remote;

import io.resnetspark.data.format.BatchChecksums;
import io.resnetspark.data.format.BatchTransform;
import io.resnetspark.data.format.Minibatch;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.core.loader.DataSetLoader;
import org.nd4j.common.loader.Source;
import org.nd4j.linalg.dataset.DataSet;

/**
 * What {@code SparkComputationGraph.fitPaths} and {@code doEvaluation} run on executors for each
 * minibatch file: read the uint8 batch, check it against the manifest's checksum and apply the
 * {@link BatchTransform}. Serializable and small: it is shipped with every task, the checksums in a broadcast.
 */
public class MinibatchLoader implements DataSetLoader {
    private static final long serialVersionUID = 1L;

    private final BatchTransform transform;
    private final long seed;
    private final Broadcast<BatchChecksums> checks;

    /** A loader that checks only that each file parses (no recorded checksums). */
    public MinibatchLoader(BatchTransform transform, long seed) {
        this(transform, seed, null);
    }

    public MinibatchLoader(BatchTransform transform, long seed, Broadcast<BatchChecksums> checks) {
        this.transform = transform;
        this.seed = seed;
        this.checks = checks;
    }

    @Override
    public DataSet load(Source source) throws IOException {
        byte[] bytes;
        try (InputStream in = source.getInputStream()) {
            bytes = in.readAllBytes();
        } catch (org.apache.hadoop.fs.ChecksumException e) {
            throw new io.resnetspark.data.format.DamagedFileException(source.getPath(),
                    "Hadoop's checksum file (.crc) beside it does not match its bytes");
        }
        Minibatch b = (checks == null ? BatchChecksums.NONE : checks.value()).parse(source.getPath(), bytes);
        // a different draw per file and per epoch seed, reproducible for a given (seed, file)
        Random random = new Random(seed * 31 + source.getPath().hashCode());
        return transform.apply(b, random);
    }
}
