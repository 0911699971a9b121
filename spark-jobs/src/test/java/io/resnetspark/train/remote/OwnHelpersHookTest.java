package io.resnetspark.train.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.resnetspark.model.OneDnn;
import io.resnetspark.model.Optimization;
import io.resnetspark.model.ResNetBuilder;
import io.resnetspark.model.ResNetOptions;
import io.resnetspark.model.Stem;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** A network built the way dl4j-spark's averaging workers build theirs gets the own helpers before its first step. */
class OwnHelpersHookTest {

    @Test
    void workerCopyGetsTheHelpersBeforeItsFirstStep() throws Exception {
        ResNetOptions o = ResNetOptions.builder("resnet18").classes(3).input("3x8x8").stem(Stem.SMALL).build();
        ComputationGraph driver = ResNetBuilder.build(o, Optimization.defaults());
        int own = OneDnn.ownHelpers(driver);
        ComputationGraph worker = new ComputationGraph(driver.getConfiguration().clone());
        worker.init(driver.params().dup(), false);
        assertEquals(0, OneDnn.ownHelpers(worker));
        // the training master ships its hooks serialized
        OwnHelpersHook hook = serializedCopy(new OwnHelpersHook());
        DataSet ds = new DataSet(Nd4j.randn(DataType.FLOAT, 2, 3, 8, 8), Nd4j.eye(3).getRows(0, 1).castTo(DataType.FLOAT));
        hook.preUpdate(ds, worker);
        assertEquals(40, own);
        assertEquals(own, OneDnn.ownHelpers(worker));
        worker.fit(ds);
        hook.preUpdate(ds, worker);
        assertEquals(own, OneDnn.ownHelpers(worker));
    }

    private static OwnHelpersHook serializedCopy(OwnHelpersHook h) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(h);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (OwnHelpersHook) in.readObject();
        }
    }
}
