package io.resnetspark.data;

import io.resnetspark.data.format.Minibatch;
import io.resnetspark.model.ModelStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Reads a prepared data set on the local disk back, for assertions. */
public final class PreparedData {
    private PreparedData() {
    }

    public static Manifest manifest(Path out) throws IOException {
        return ModelStore.JSON.readValue(out.resolve(Manifest.FILE).toFile(), Manifest.class);
    }

    /** The checksums the manifest at {@code out} records. */
    public static io.resnetspark.data.format.BatchChecksums checksums(Path out) throws IOException {
        return manifest(out).checksums();
    }

    public static List<Path> files(Path out, String split) throws IOException {
        Path dir = out.resolve(split);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".bin")).sorted().toList();
        }
    }

    public static List<Minibatch> batches(Path out, String split) throws IOException {
        List<Minibatch> out2 = new ArrayList<>();
        for (Path p : files(out, split)) {
            try (InputStream in = Files.newInputStream(p)) {
                out2.add(Minibatch.read(in, p.toString()));
            }
        }
        return out2;
    }

    /** One prepared image, found by its source name in whichever file of the split holds it. */
    public record Image(int label, byte[] pixels) {
    }

    public static Image image(Path out, String split, String source) throws IOException {
        for (Minibatch b : batches(out, split)) {
            for (int i = 0; i < b.n(); i++) {
                if (b.sources()[i].equals(source)) {
                    return new Image(b.labels()[i], java.util.Arrays.copyOfRange(b.pixels(), i * b.imageBytes(),
                            (i + 1) * b.imageBytes()));
                }
            }
        }
        throw new AssertionError(source + " is in no " + split + " file of " + out);
    }
}
