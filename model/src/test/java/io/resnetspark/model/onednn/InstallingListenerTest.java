package io.resnetspark.model.onednn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.resnetspark.model.OneDnn;
import io.resnetspark.model.Optimization;
import io.resnetspark.model.ResNetBuilder;
import io.resnetspark.model.ResNetOptions;
import io.resnetspark.model.Stem;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** A network built the way dl4j-spark's workers build theirs (configuration + parameters) gets the helpers from the listener. */
class InstallingListenerTest {

    @Test
    void workerCopyGetsTheHelpersAfterItsFirstStep() {
        ResNetOptions o = ResNetOptions.builder("resnet18").classes(3).input("3x8x8").stem(Stem.SMALL).build();
        ComputationGraph driver = ResNetBuilder.build(o, Optimization.defaults());
        ComputationGraph worker = new ComputationGraph(driver.getConfiguration().clone());
        worker.init(driver.params().dup(), false);
        // the training master ships its listeners serialized
        worker.setListeners(serializedCopy(new InstallingListener()));
        assertEquals(0, OneDnn.ownHelpers(worker));
        DataSet ds = new DataSet(Nd4j.randn(DataType.FLOAT, 2, 3, 8, 8), Nd4j.eye(3).getRows(0, 1).castTo(DataType.FLOAT));
        worker.fit(ds);
        assertEquals(40, OneDnn.ownHelpers(worker));
        worker.fit(ds);
        assertEquals(40, OneDnn.ownHelpers(worker));
    }

    private static InstallingListener serializedCopy(InstallingListener l) {
        try {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
                out.writeObject(l);
            }
            try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
                return (InstallingListener) in.readObject();
            }
        } catch (java.io.IOException | ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }
}
