package io.resnetspark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.resnetspark.model.ModelStore;
import io.resnetspark.model.ResNetBuilder;
import io.resnetspark.testing.Cli;
import io.resnetspark.testing.LearnableImages;
import io.resnetspark.testing.SparkClusters;
import io.resnetspark.testing.SyntheticData;
import io.resnetspark.testing.Torch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seeds' transfer recipe through the Spark training stage: torchvision weights imported, then
 * {@code train.init-from} them with another class list (a new head) and
 * {@code train.freeze-backbone-epochs}: in the frozen epochs no backbone parameter (batch-norm
 * statistics included) moves while the head learns; afterwards the whole network trains. Both masters.
 */
class FreezeBackboneTest {
    @TempDir
    static Path dir;
    static Path data;
    static Path init;

    @BeforeAll
    static void importedModelAndImages() throws Exception {
        Path torch = Torch.resnet("resnet18", Files.createDirectories(dir.resolve("torch")), 10, 32, 1, "pth");
        init = dir.resolve("init.zip");
        String[] imported = Cli.strings("import-weights", "--from", torch.resolve("weights.pth").toString(), "--model",
                "resnet18", "--out", init.toString(), "--size", "32");
        assertEquals("0", imported[0], imported[2]);
        Path images = dir.resolve("images");
        LearnableImages.write(images, 12);
        data = dir.resolve("data");
        String[] prep = Cli.strings("prepare", "--source", images.toString(), "--format", "imagefolder", "--out",
                data.toString(), "--size", "32", "--channels", "3", "--batch", "4", "--val-fraction", "0.25",
                "--test-fraction", "0", "--set", "spark.master=local[2]");
        assertEquals("0", prep[0], prep[2]);
    }

    private static ComputationGraph load(Path zip) {
        return ModelStore.load(zip.toFile(), zip.getFileName().toString(), false).graph();
    }

    /** The backbone layers (everything but the classifier) whose parameters differ between two networks. */
    private static List<String> movedBackbone(ComputationGraph a, ComputationGraph b) {
        List<String> moved = new ArrayList<>();
        for (Layer l : a.getLayers()) {
            String name = l.conf().getLayer().getLayerName();
            if (!name.equals(ResNetBuilder.HEAD) && l.numParams() > 0 && !l.params().equals(b.getLayer(name).params())) {
                moved.add(name);
            }
        }
        return moved;
    }

    private static List<Map<String, Object>> train(String master, int epochs, int frozen) throws Exception {
        Path run = dir.resolve("run-" + master);
        List<String> args = new ArrayList<>(TrainRuns.args(data, run, epochs, SparkClusters.localSets(2),
                "--set", "train.master=" + master, "--set", "train.init-from=" + init,
                "--set", "train.freeze-backbone-epochs=" + frozen, "--set", "train.optimizer.lr=0.001",
                "--set", "train.mix-files=2"));
        args.set(args.indexOf("resnet20"), "resnet18");
        Cli.Outcome r = Cli.run(args.toArray(new String[0]));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("epoch 1: backbone frozen") && r.err().contains("epoch " + (frozen + 1)
                + ": backbone unfrozen"), r.err());

        ComputationGraph start = load(init);
        for (int e = 1; e <= epochs; e++) {
            ComputationGraph after = load(run.resolve(String.format("checkpoints/epoch-%03d.zip", e)));
            List<String> moved = movedBackbone(start, after);
            System.out.printf("FREEZE %s epoch %d: %d backbone layers moved%n", master, e, moved.size());
            if (e <= frozen) {
                assertEquals(List.of(), moved, master + " epoch " + e + " is frozen");
            } else {
                assertFalse(moved.isEmpty(), master + " epoch " + e + " trains the backbone");
            }
        }
        List<Map<String, Object>> metrics = SyntheticData.metrics(run);
        metrics.forEach(m -> System.out.println("FREEZE " + master + " " + m));
        return metrics;
    }

    private static double loss(Map<String, Object> line) {
        return ((Number) line.get("train_loss")).doubleValue();
    }

    @Test
    void averagingKeepsTheFrozenBackboneAndLearns() throws Exception {
        List<Map<String, Object>> m = train("averaging", 3, 2);
        // it learns: the frozen epochs fit the new head, the last trains every layer
        assertTrue(loss(m.get(2)) < loss(m.get(0)), m.toString());
    }

    @Test
    void sharingKeepsTheFrozenBackbone() throws Exception {
        train("sharing", 2, 1);
    }
}
