package io.resnetspark.train.remote;

import java.io.IOException;
import org.apache.spark.util.LongAccumulator;
import org.deeplearning4j.core.loader.DataSetLoader;
import org.nd4j.common.loader.Source;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Counts the train minibatches executors have loaded, so the driver can show progress inside an epoch:
 * {@code fitPaths} itself reports nothing until the whole epoch returns.
 */
public final class CountingLoader implements DataSetLoader {
    private static final long serialVersionUID = 1L;

    private final DataSetLoader inner;
    private final LongAccumulator loaded;

    public CountingLoader(DataSetLoader inner, LongAccumulator loaded) {
        this.inner = inner;
        this.loaded = loaded;
    }

    @Override
    public DataSet load(Source source) throws IOException {
        DataSet d = inner.load(source);
        loaded.add(1);
        return d;
    }
}
