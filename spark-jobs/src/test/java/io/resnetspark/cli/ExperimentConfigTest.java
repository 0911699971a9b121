package io.resnetspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.resnetspark.testing.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A wrong experiment.runs list is refused with one sentence before any data is touched. */
class ExperimentConfigTest {
    @TempDir
    Path dir;

    private String[] experiment(String runs) throws Exception {
        Path conf = dir.resolve("x.conf");
        Files.writeString(conf, "experiment { root = \"" + dir.resolve("root") + "\"\n runs = " + runs + " }\n"
                + "prepare.source = \"" + dir.resolve("nothing-here") + "\"\n");
        return Cli.strings("experiment", "--conf", conf.toString());
    }

    @Test
    void badRunListsAreRefusedBeforeAnyWork() throws Exception {
        String[] typo = experiment("[{ name = a, set { model.nmae = resnet20 } }]");
        assertEquals("2", typo[0]);
        assertTrue(typo[2].contains("experiment.runs entry 'a' sets unknown configuration key 'model.nmae'; did you "
                + "mean 'model.name'?"), typo[2]);
        assertFalse(typo[2].contains("\tat "), "no stack trace: " + typo[2]);

        String[] twice = experiment("[{ name = a, set { model.name = resnet20 } }, { name = a }]");
        assertEquals("2", twice[0]);
        assertTrue(twice[2].contains("experiment.runs has two entries named 'a'"), twice[2]);

        String[] data = experiment("[{ name = a, set { train.data = \"/elsewhere\" } }]");
        assertEquals("2", data[0]);
        assertTrue(data[2].contains("sets 'train.data'"), data[2]);

        String[] badValue = experiment("[{ name = a, set { train.optimizer.name = rmsprop } }]");
        assertEquals("2", badValue[0]);
        assertTrue(badValue[2].contains("train.optimizer.name"), badValue[2]);

        String[] badModel = experiment("[{ name = a }, { name = b, set { model.name = resnet19 } }]");
        assertEquals("2", badModel[0]);
        assertTrue(badModel[2].contains("model.name"), "the second variant's model is refused up front: " + badModel[2]);

        String[] empty = experiment("[]");
        assertEquals("2", empty[0]);
        assertTrue(empty[2].contains("experiment.runs is empty"), empty[2]);
        assertFalse(Files.exists(dir.resolve("root")), "nothing was written");
    }
}
