package io.resnetspark.model;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Enumeration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;

/**
 * Saves and loads a network together with its {@link ModelMetadata}: DL4J's zip format with one more
 * entry, so plain DL4J tools still open the file. Streams, not paths, so callers can put the bytes on
 * any file system; every failure to read becomes one {@link ModelFileException} sentence.
 */
public final class ModelStore {
    public static final String METADATA_ENTRY = "resnet-spark-metadata.json";
    private static final String DL4J_CONFIG_ENTRY = "configuration.json";
    public static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private ModelStore() {
    }

    public record Loaded(ComputationGraph graph, ModelMetadata metadata) {
    }

    public static void save(ComputationGraph graph, ModelMetadata metadata, boolean withUpdater, OutputStream out)
            throws IOException {
        Path tmp = Files.createTempFile("resnet-spark-model", ".zip");
        try {
            ModelSerializer.writeModel(graph, tmp.toFile(), withUpdater);
            ZipOutputStream zip = new ZipOutputStream(out);
            try (ZipFile dl4j = new ZipFile(tmp.toFile())) {
                Enumeration<? extends ZipEntry> entries = dl4j.entries();
                while (entries.hasMoreElements()) {
                    ZipEntry e = entries.nextElement();
                    zip.putNextEntry(new ZipEntry(e.getName()));
                    try (InputStream in = dl4j.getInputStream(e)) {
                        in.transferTo(zip);
                    }
                    zip.closeEntry();
                }
            }
            zip.putNextEntry(new ZipEntry(METADATA_ENTRY));
            zip.write(JSON.writeValueAsBytes(metadata));
            zip.closeEntry();
            zip.finish();
            zip.flush();
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public static void save(ComputationGraph graph, ModelMetadata metadata, boolean withUpdater, File file)
            throws IOException {
        try (OutputStream out = Files.newOutputStream(file.toPath())) {
            save(graph, metadata, withUpdater, out);
        }
    }

    /** Loads a model; {@code name} is only used in error messages (a path or URI). */
    public static Loaded load(InputStream in, String name, boolean withUpdater) {
        Path tmp = null;
        try {
            tmp = Files.createTempFile("resnet-spark-model", ".zip");
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            return load(tmp.toFile(), name, withUpdater);
        } catch (IOException e) {
            throw new ModelFileException("could not read model " + name + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                tmp.toFile().delete();
            }
        }
    }

    public static Loaded load(File file, String name, boolean withUpdater) {
        ModelMetadata metadata = readMetadata(file, name);
        OneDnn.enable();
        try {
            ComputationGraph graph = ModelSerializer.restoreComputationGraph(file, withUpdater);
            return new Loaded(OneDnn.install(graph), metadata);
        } catch (Exception | LinkageError e) {
            throw new ModelFileException("model " + name + " could not be restored (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + firstLine(e.getMessage())) + ")", e);
        }
    }

    /** Reads only the metadata (cheap: no weights are loaded). */
    public static ModelMetadata readMetadata(File file, String name) {
        if (file.length() == 0) {
            throw new ModelFileException("model " + name + " is an empty file");
        }
        try (ZipFile zip = new ZipFile(file)) {
            if (zip.getEntry(DL4J_CONFIG_ENTRY) == null) {
                throw new ModelFileException("model " + name + " is a zip archive but not a DL4J model (no "
                        + DL4J_CONFIG_ENTRY + ")");
            }
            ZipEntry meta = zip.getEntry(METADATA_ENTRY);
            if (meta == null) {
                throw new ModelFileException("model " + name + " is a DL4J model without resnet-spark metadata ("
                        + METADATA_ENTRY + "); it was not written by resnet-spark");
            }
            try (InputStream in = zip.getInputStream(meta)) {
                return JSON.readValue(in, ModelMetadata.class);
            }
        } catch (ZipException e) {
            throw new ModelFileException("model " + name + " is not a readable zip archive (truncated or not a model"
                    + " file: " + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new ModelFileException("could not read model " + name + ": " + e.getMessage(), e);
        }
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
