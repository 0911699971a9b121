package io.resnetspark.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.resnetspark.common.UserError;
import io.resnetspark.testing.S3Server;
import java.util.List;
import java.util.Random;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The storage helpers against a real S3 server on loopback, through S3A. */
class StorageS3Test {
    static S3Server s3;
    static Storage storage;
    static String bucket;

    @BeforeAll
    static void start() throws Exception {
        s3 = new S3Server();
        bucket = s3.bucket("storage-test");
        storage = new Storage(s3.hadoop());
    }

    @AfterAll
    static void stop() {
        s3.close();
    }

    @Test
    void writeReadCommitAndChecksum() throws Exception {
        byte[] data = new byte[3 * 1024 * 1024 + 17];
        new Random(1).nextBytes(data);
        Path dir = new Path(bucket + "/run/a");
        Path file = new Path(dir, "blob.bin");
        assertFalse(storage.committed(dir));
        storage.writeBytes(file, data);
        assertArrayEquals(data, storage.readBytes(file));
        assertEquals(Storage.sha256(data), storage.sha256(file));
        storage.markCommitted(dir);
        assertTrue(storage.committed(dir));
        assertEquals(List.of("blob.bin"), storage.listFiles(dir).stream().map(f -> f.getPath().getName()).toList(),
                "hidden files are not listed");
        assertEquals(2, storage.fs(dir).listStatus(dir).length, "no temporary files left behind, only the marker");
        storage.delete(dir);
        assertFalse(storage.exists(file));
    }

    @Test
    void missingFileIsOneSentence() {
        UserError e = assertThrows(UserError.class, () -> storage.readString(new Path(bucket + "/nope.json")));
        assertTrue(e.getMessage().contains("nope.json") && e.getMessage().contains("does not exist"), e.getMessage());
        assertFalse(e.getMessage().contains(S3Server.SECRET_KEY));
    }
}
