package io.resnetspark.model.weights;

import io.resnetspark.model.Architecture;
import io.resnetspark.model.EvalTransform;
import io.resnetspark.model.ModelMetadata;
import io.resnetspark.model.ModelOptionException;
import io.resnetspark.model.ModelStore;
import io.resnetspark.model.Normalization;
import io.resnetspark.model.Optimization;
import io.resnetspark.model.ResNetBuilder;
import io.resnetspark.model.ResNetOptions;
import io.resnetspark.model.Shortcut;
import io.resnetspark.model.Stem;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * Imports torchvision or timm weights into the zoo's network of the same name: torchvision's resnet18-152,
 * resnext50_32x4d, resnext101_32x8d, resnext101_64x4d, wide_resnet50_2 and wide_resnet101_2, and timm's
 * seresnet50/101 and res2net50_26w_4s/res2net101_26w_4s (timm names the plain ResNets' tensors as
 * torchvision does, and its SE and Res2Net blocks as {@code Blocks} documents). Every tensor the network
 * needs must be in the file with its exact shape and every tensor in the file must be used, except
 * {@code num_batches_tracked} (a training counter with no effect on inference) and, when a new head is
 * asked for, the file's classifier.
 *
 * <p>The classifier is kept when the file's {@code fc} has as many outputs as there are classes;
 * otherwise the caller must ask for a new head ({@link Request#withNewHead}), which is initialised as
 * the builder initialises every head, ready for fine-tuning.
 */
public final class WeightImport {
    private static final int SHOWN = 3;

    private WeightImport() {
    }

    /**
     * What to build. {@code classNames} null means "0", "1", ... for as many classes as the file's head
     * has; {@code height}/{@code width} are the network's input (the eval crop), 224 by default;
     * {@code evalTransform} null means torchvision's for that crop (timm's recipes often differ:
     * bicubic, a 0.95 crop ratio; pass theirs here).
     */
    public record Request(String model, List<String> classNames, boolean newHead, int height, int width,
                          EvalTransform evalTransform) {
        public static Request of(String model) {
            return new Request(model, null, false, 224, 224, null);
        }

        public Request withClassNames(List<String> names) {
            return new Request(model, names == null ? null : List.copyOf(names), newHead, height, width,
                    evalTransform);
        }

        /** Allow a fresh classifier when the file's head does not fit the classes (or the file has none). */
        public Request withNewHead(boolean allow) {
            return new Request(model, classNames, allow, height, width, evalTransform);
        }

        public Request withInput(int h, int w) {
            return new Request(model, classNames, newHead, h, w, evalTransform);
        }

        public Request withEvalTransform(EvalTransform transform) {
            return new Request(model, classNames, newHead, height, width, transform);
        }
    }

    /**
     * The imported network with its metadata (ready for {@link ModelStore#save}), whether the file's
     * classifier was kept, and the file's keys that were deliberately not used.
     */
    public record Result(ModelStore.Loaded model, boolean headKept, List<String> ignoredKeys) {
    }

    /** Reads a PyTorch checkpoint or safetensors file from any stream (a Hadoop path, a local file). */
    public static Result importWeights(InputStream in, String source, Request request) {
        return importWeights(StateDict.read(in, source), request);
    }

    public static Result importWeights(StateDict weights, Request request) {
        Architecture arch = Architecture.byName(request.model());
        if (arch.family() != Architecture.Family.IMAGENET || Architecture.plain(request.model())) {
            throw new ModelOptionException("model", "weights import knows the networks with a torchvision or timm"
                    + " counterpart (" + importable() + "); " + request.model() + " has none");
        }
        Map<String, WeightTensor> file = TorchNames.withoutWrapperPrefix(weights.tensors());
        String source = weights.source();

        WeightTensor fileHead = file.get(TorchNames.HEAD_WEIGHT);
        int fileClasses = fileHead != null && fileHead.shape().length == 2 ? (int) fileHead.shape()[0] : -1;
        List<String> classes = request.classNames();
        if (classes == null) {
            if (fileClasses < 1) {
                throw new WeightFileException("weights file " + source + " has no classifier (" + TorchNames.HEAD_WEIGHT
                        + "), so class names are needed for a new head");
            }
            classes = IntStream.range(0, fileClasses).mapToObj(Integer::toString).toList();
        }
        if (classes.isEmpty()) {
            throw new ModelOptionException("classes", "the list of class names is empty");
        }
        boolean keepHead = fileClasses == classes.size();
        if (!keepHead && !request.newHead()) {
            throw new WeightFileException("weights file " + source + (fileClasses < 1 ? " has no classifier ("
                    + TorchNames.HEAD_WEIGHT + ")" : " has a " + fileClasses + "-class head (" + TorchNames.HEAD_WEIGHT
                    + " " + fileHead.shapeText() + ")") + " but " + classes.size() + " class names were given; ask for a"
                    + " new head to train one" + (fileClasses < 1 ? "" : ", or give " + fileClasses + " class names"));
        }

        ResNetOptions options = ResNetOptions.builder(arch.name())
                .classes(classes.size())
                .input(3, request.height(), request.width())
                .stem(Stem.IMAGENET)
                .shortcut(Shortcut.B)
                .bnEpsilon(TorchNames.TORCH_BN_EPS)
                .bnMomentum(0.1)
                .build();
        ComputationGraph graph = ResNetBuilder.build(options, Optimization.defaults());
        List<TorchNames.Slot> slots = TorchNames.slots(graph, keepHead);

        List<String> ignored = new ArrayList<>();
        Map<String, WeightTensor> used = new LinkedHashMap<>();
        for (Map.Entry<String, WeightTensor> e : file.entrySet()) {
            if (TorchNames.ignorable(e.getKey(), keepHead)) {
                ignored.add(e.getKey());
            } else {
                used.put(e.getKey(), e.getValue());
            }
        }
        Mismatch.check(arch.name(), source, slots, used, file);
        for (TorchNames.Slot s : slots) {
            s.assign(used.get(s.key()));
        }

        ModelMetadata meta = ModelMetadata.of(options, classes, Normalization.imagenet())
                .withEvalTransform(request.evalTransform() != null ? request.evalTransform()
                        : EvalTransform.torchvision(request.height(), request.width()))
                .withTraining(Map.of("imported", Map.of(
                        "source", String.valueOf(source),
                        "format", weights.format(),
                        "head", keepHead ? "kept" : "new",
                        "tensors", used.size())));
        return new Result(new ModelStore.Loaded(graph, meta), keepHead, List.copyOf(ignored));
    }

    /**
     * The zoo rows whose weights import: the ImageNet-stem rows, which are torchvision's ResNets, ResNeXts and
     * Wide ResNets and timm's SE-ResNets and Res2Nets under the same names.
     */
    public static String importable() {
        return Architecture.rows().stream().filter(a -> a.family() == Architecture.Family.IMAGENET)
                .map(Architecture::name).collect(Collectors.joining(", "));
    }

    /** Lists at most {@link #SHOWN} items and counts the rest, for one-sentence messages. */
    static String some(List<String> items) {
        String shown = String.join(", ", items.subList(0, Math.min(SHOWN, items.size())));
        return items.size() > SHOWN ? shown + " and " + (items.size() - SHOWN) + " more" : shown;
    }
}
