package io.resnetspark.weights;

import io.resnetspark.common.UserError;
import io.resnetspark.model.ModelStore;
import io.resnetspark.model.weights.ClassNames;
import io.resnetspark.model.weights.WeightImport;
import io.resnetspark.storage.Storage;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.List;
import org.apache.hadoop.fs.Path;

/**
 * The {@code import-weights} command: a torchvision or timm checkpoint (or safetensors file) on any
 * Hadoop path becomes a zoo model zip on any Hadoop path, with ImageNet normalization and
 * torchvision's eval transform in its metadata. The mapping and every check are the model library's
 * ({@link WeightImport}); this class only moves the bytes and names the outcome.
 */
public final class WeightImporter {
    private WeightImporter() {
    }

    /** What was written: the zip, whether the file's classifier was kept, and how many classes. */
    public record Outcome(Path out, boolean headKept, int classes) {
    }

    public static Outcome run(ImportSettings s, Storage storage, PrintStream log) throws IOException {
        Path out = Storage.path(s.out());
        if (storage.exists(out) && !s.overwrite()) {
            throw new UserError("import-weights output " + out + " already exists; choose another --out or set"
                    + " import-weights.overwrite = true");
        }
        Path from = Storage.path(s.from());
        if (!storage.exists(from)) {
            throw new UserError("weights file " + from + " does not exist");
        }
        List<String> classes = null;
        if (!s.classNames().isEmpty()) {
            Path names = Storage.path(s.classNames());
            if (!storage.exists(names)) {
                throw new UserError("class names file " + names + " does not exist");
            }
            try (InputStream in = storage.open(names)) {
                classes = ClassNames.read(in, names.toString());
            }
        }
        WeightImport.Request request = WeightImport.Request.of(s.model()).withClassNames(classes)
                .withNewHead(s.newHead()).withInput(s.size(), s.size());
        WeightImport.Result r;
        try (InputStream in = storage.open(from)) {
            r = WeightImport.importWeights(in, from.toString(), request);
        }
        ModelStore.Loaded m = r.model();
        storage.write(out, o -> ModelStore.save(m.graph(), m.metadata(), false, o));
        if (!r.ignoredKeys().isEmpty()) {
            log.println("[import-weights] not used from " + from.getName() + ": " + r.ignoredKeys().size()
                    + " tensors (" + (r.headKept() ? "" : "the file's classifier, ") + "num_batches_tracked counters)");
        }
        return new Outcome(out, r.headKept(), m.metadata().classes().size());
    }
}
