package io.resnetspark.spark;

import java.io.IOException;
import org.deeplearning4j.core.loader.DataSetLoader;
import org.nd4j.common.loader.Source;
import org.nd4j.linalg.dataset.DataSet;

/**
 * A {@link DataSetLoader} that first binds the task thread to the task's GPU ({@link GpuBinding}), so
 * the arrays it creates, and the fitting on the same thread, live on the device Spark assigned.
 */
public final class GpuBoundLoader implements DataSetLoader {
    private static final long serialVersionUID = 1L;

    private final DataSetLoader inner;

    public GpuBoundLoader(DataSetLoader inner) {
        this.inner = inner;
    }

    @Override
    public DataSet load(Source source) throws IOException {
        GpuBinding.bindTaskThread();
        return inner.load(source);
    }
}
