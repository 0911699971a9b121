package io.resnetspark.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.resnetspark.common.UserError;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobConfigTest {
    @TempDir
    Path dir;

    @Test
    void layersFileSetsAndFlagsInOrder() throws Exception {
        File f = dir.resolve("job.conf").toFile();
        Files.writeString(f.toPath(), "prepare { batch = 16, size = 32 }\nmodel.name = resnet34\n");
        JobConfig c = JobConfig.load(f, List.of("prepare.size=48"), Map.of("model.name", "resnet50"));
        assertEquals(16, c.getInt("prepare.batch"));
        assertEquals(48, c.getInt("prepare.size"), "--set beats the file");
        assertEquals("resnet50", c.getString("model.name"), "flags beat --set");
        assertEquals("imagefolder", c.getString("prepare.format"), "defaults fill the rest");
    }

    @Test
    void unknownKeySuggestsTheClosest() throws Exception {
        UserError e = assertThrows(UserError.class,
                () -> JobConfig.load(null, List.of("prepare.val-fractoin=0.2"), Map.of()));
        assertTrue(e.getMessage().contains("unknown configuration key 'prepare.val-fractoin'"), e.getMessage());
        assertTrue(e.getMessage().contains("did you mean 'prepare.val-fraction'"), e.getMessage());
    }

    @Test
    void aKeyWithoutItsSectionSuggestsTheFullKeys() {
        UserError one = assertThrows(UserError.class, () -> JobConfig.load(null, List.of("epochs=2"), Map.of()));
        assertTrue(one.getMessage().contains("unknown configuration key 'epochs'; did you mean 'train.epochs'?"),
                one.getMessage());
        UserError two = assertThrows(UserError.class, () -> JobConfig.load(null, List.of("workers=2"), Map.of()));
        assertTrue(two.getMessage().contains("did you mean one of 'train.averaging.workers', 'train.sharing.workers'?"),
                two.getMessage());
        UserError nested = assertThrows(UserError.class,
                () -> JobConfig.load(null, List.of("averaging.frequency=4"), Map.of()));
        assertTrue(nested.getMessage().contains("did you mean 'train.averaging.frequency'?"), nested.getMessage());
    }

    @Test
    void wrongTypesAndRangesNameTheKey() {
        UserError t = assertThrows(UserError.class, () -> JobConfig.load(null, List.of("prepare.batch=many"), Map.of()));
        assertTrue(t.getMessage().contains("'prepare.batch'"), t.getMessage());
        JobConfig c = JobConfig.load(null, List.of("prepare.val-fraction=1.5"), Map.of());
        UserError r = assertThrows(UserError.class, () -> c.getDouble("prepare.val-fraction", 0, 1));
        assertTrue(r.getMessage().contains("between 0.0 and 1.0"), r.getMessage());
        UserError ch = assertThrows(UserError.class, () -> JobConfig.load(null, List.of("prepare.format=tiff"),
                Map.of()).getChoice("prepare.format", "imagefolder", "idx", "csv"));
        assertTrue(ch.getMessage().contains("one of imagefolder, idx, csv"), ch.getMessage());
        UserError missing = assertThrows(UserError.class, () -> JobConfig.load(new File("/nope.conf"), List.of(), Map.of()));
        assertTrue(missing.getMessage().contains("/nope.conf"), missing.getMessage());
    }

    @Test
    void openSectionsPassThrough() {
        JobConfig c = JobConfig.load(null, List.of("spark.conf.\"spark.executor.memory\"=3g",
                "hadoop.\"fs.s3a.fast.upload\"=true"), Map.of());
        assertEquals("3g", c.getMap("spark.conf").get("spark.executor.memory"));
        assertEquals("true", c.getMap("hadoop").get("fs.s3a.fast.upload"));
    }
}
