package io.resnetspark.storage;

import io.resnetspark.common.UserError;
import io.resnetspark.model.ModelMetadata;
import io.resnetspark.model.ModelStore;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import org.apache.hadoop.fs.Path;

/**
 * A model zip read whole from any Hadoop path, with its checksum and metadata: what evaluate, predict
 * and export start from. The bytes are kept, so executors get exactly the file that was checked (as a
 * broadcast) and the model is read from storage once.
 */
public record ModelFile(Path path, byte[] zip, String sha256, ModelMetadata metadata) {

    public static ModelFile read(Storage storage, Path path) {
        return of(path, storage.readBytes(path));
    }

    /** A model zip already in memory, read from {@code path}. */
    public static ModelFile of(Path path, byte[] zip) {
        return new ModelFile(path, zip, Storage.sha256(zip), metadata(zip, path.toString()));
    }

    /** The network too (a full restore: what cannot be loaded is refused here, not on an executor). */
    public ModelStore.Loaded load(boolean withUpdater) {
        return ModelStore.load(new ByteArrayInputStream(zip), path.toString(), withUpdater);
    }

    private static ModelMetadata metadata(byte[] zip, String name) {
        File tmp = null;
        try {
            // the JDK reads zip directories from files; the metadata entry is small, the copy is local disk
            tmp = Files.createTempFile("resnet-spark-model", ".zip").toFile();
            Files.write(tmp.toPath(), zip);
            return ModelStore.readMetadata(tmp, name);
        } catch (IOException e) {
            throw new UserError("could not stage model " + name + " locally: " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                tmp.delete();
            }
        }
    }
}
