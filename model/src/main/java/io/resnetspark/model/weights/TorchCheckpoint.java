package io.resnetspark.model.weights;

import io.resnetspark.model.weights.TorchPickle.PyObject;
import io.resnetspark.model.weights.TorchPickle.StorageRef;
import io.resnetspark.model.weights.TorchPickle.TensorRef;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * The zip format {@code torch.save} has written since PyTorch 1.6: {@code <root>/data.pkl} holds the
 * object tree with each tensor as a view (offset, size, stride) of a storage, and
 * {@code <root>/data/<key>} holds each storage's raw bytes (little-endian unless a
 * {@code <root>/byteorder} entry says otherwise). {@code <root>} is the saved file's base name, so it
 * is found, not assumed.
 */
final class TorchCheckpoint {
    /** Where training checkpoints (timm, Lightning, the usual ImageNet scripts) nest their state dict. */
    private static final List<String> NESTED = List.of("state_dict", "model");

    private TorchCheckpoint() {
    }

    static Map<String, WeightTensor> read(Path file, String source) {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry pkl = Collections.list(zip.entries()).stream()
                    .filter(e -> e.getName().matches("([^/]+/)?data\\.pkl"))
                    .findFirst()
                    .orElseThrow(() -> notACheckpoint(zip, source));
            String root = pkl.getName().substring(0, pkl.getName().length() - "data.pkl".length());
            ByteOrder order = byteOrder(zip, root, source);
            Object tree;
            try (InputStream in = zip.getInputStream(pkl)) {
                tree = TorchPickle.loadTorch(in.readAllBytes());
            } catch (TorchPickle.PickleProblem p) {
                throw new WeightFileException("weights file " + source + " is not a readable PyTorch checkpoint: its "
                        + pkl.getName() + " " + p.getMessage());
            }
            Map<?, ?> dict = stateDict(tree, source);
            // a storage's bytes are dropped once its last tensor is read, so ResNet-152 does not sit in memory twice
            Map<String, Integer> readsLeft = new HashMap<>();
            dict.values().stream().filter(v -> v instanceof TensorRef)
                    .forEach(v -> readsLeft.merge(((TensorRef) v).storage().key(), 1, Integer::sum));
            Map<String, ByteBuffer> storages = new HashMap<>();
            Map<String, WeightTensor> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : dict.entrySet()) {
                if (e.getValue() instanceof TensorRef t) {
                    String key = String.valueOf(e.getKey());
                    String storageKey = t.storage().key();
                    ByteBuffer storage = storages.computeIfAbsent(storageKey,
                            k -> storageBytes(zip, root, k, order, source));
                    out.put(key, materialize(key, t, storage, source));
                    if (readsLeft.merge(storageKey, -1, Integer::sum) == 0) {
                        storages.remove(storageKey);
                    }
                }
            }
            return out;
        } catch (ZipException e) {
            throw new WeightFileException("weights file " + source + " looks like a PyTorch checkpoint but its zip archive"
                    + " is truncated or damaged (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new WeightFileException("could not read weights file " + source + ": " + e.getMessage(), e);
        } catch (UncheckedZip e) {
            throw new WeightFileException("weights file " + source + " looks like a PyTorch checkpoint but its zip archive"
                    + " is truncated or damaged (" + e.getCause().getMessage() + ")", e.getCause());
        }
    }

    private static WeightFileException notACheckpoint(ZipFile zip, String source) {
        List<String> names = Collections.list(zip.entries()).stream().map(ZipEntry::getName).toList();
        String hint = names.contains("configuration.json") ? "; it looks like a DL4J model" : "";
        return new WeightFileException("weights file " + source + " is a zip archive but not a PyTorch checkpoint (no"
                + " data.pkl among its " + names.size() + " entries" + hint + ")");
    }

    private static ByteOrder byteOrder(ZipFile zip, String root, String source) throws IOException {
        ZipEntry e = zip.getEntry(root + "byteorder");
        if (e == null) {
            return ByteOrder.LITTLE_ENDIAN;
        }
        try (InputStream in = zip.getInputStream(e)) {
            String text = StateDict.utf8(in.readAllBytes()).trim();
            if (text.equals("big")) {
                return ByteOrder.BIG_ENDIAN;
            }
            if (text.equals("little")) {
                return ByteOrder.LITTLE_ENDIAN;
            }
            throw new WeightFileException("weights file " + source + " names an unknown byte order '" + text + "'");
        }
    }

    /** The tensor dictionary: the pickled object itself, or the one a training checkpoint nests it under. */
    private static Map<?, ?> stateDict(Object tree, String source) {
        if (!(tree instanceof Map<?, ?> top)) {
            throw new WeightFileException("weights file " + source + " holds " + TorchPickle.describe(tree)
                    + (tree instanceof PyObject ? ", a whole pickled model" : "")
                    + " rather than a state dict; save model.state_dict() with torch.save instead");
        }
        if (top.values().stream().anyMatch(v -> v instanceof TensorRef)) {
            return top;
        }
        for (String key : NESTED) {
            Object v = top.get(key);
            if (v instanceof Map<?, ?> m && m.values().stream().anyMatch(x -> x instanceof TensorRef)) {
                return m;
            }
            if (v instanceof PyObject) {
                throw new WeightFileException("weights file " + source + " holds " + TorchPickle.describe(v) + " under '"
                        + key + "', a whole pickled model rather than a state dict; save model.state_dict() instead");
            }
        }
        String keys = top.keySet().stream().limit(10).map(String::valueOf).collect(Collectors.joining(", "));
        throw new WeightFileException("weights file " + source + " is a PyTorch checkpoint without tensors at its top"
                + " level or under " + String.join(" or ", NESTED) + " (its keys: " + (keys.isEmpty() ? "none" : keys)
                + ")");
    }

    private static ByteBuffer storageBytes(ZipFile zip, String root, String key, ByteOrder order, String source) {
        ZipEntry e = zip.getEntry(root + "data/" + key);
        if (e == null) {
            throw new WeightFileException("weights file " + source + " is damaged: storage " + root + "data/" + key
                    + " is missing");
        }
        try (InputStream in = zip.getInputStream(e)) {
            return ByteBuffer.wrap(in.readAllBytes()).order(order);
        } catch (ZipException x) {
            throw new UncheckedZip(x);
        } catch (IOException x) {
            throw new UncheckedZip(new ZipException(x.getMessage()));
        }
    }

    private static WeightTensor materialize(String key, TensorRef t, ByteBuffer storage, String source) {
        StorageRef s = t.storage();
        ElementType type = ElementType.ofTorchStorage(s.type());
        if (type == null) {
            throw new WeightFileException("weights file " + source + " stores tensor " + key + " as " + s.type()
                    + ", a type this importer does not read");
        }
        long n = WeightTensor.elements(t.size());
        long last = t.offset();
        for (int d = 0; d < t.size().length; d++) {
            last += (t.size()[d] - 1) * t.stride()[d];
        }
        long available = storage.capacity() / type.bytes;
        if (n > 0 && (t.offset() < 0 || last >= available)) {
            throw new WeightFileException("weights file " + source + " is damaged: tensor " + key + " reaches element "
                    + last + " of a storage that holds " + available);
        }
        float[] v = new float[Math.toIntExact(n)];
        int rank = t.size().length;
        long[] index = new long[rank];
        long at = t.offset();
        // walk the view in row-major order, stepping each dimension by its stride (views need not be contiguous)
        for (int i = 0; i < v.length; i++) {
            v[i] = type.read(storage, at);
            for (int d = rank - 1; d >= 0; d--) {
                if (++index[d] < t.size()[d]) {
                    at += t.stride()[d];
                    break;
                }
                at -= (t.size()[d] - 1) * t.stride()[d];
                index[d] = 0;
            }
        }
        return new WeightTensor(type.name(), t.size(), v);
    }

    /** Carries a zip read failure out of a lambda. */
    private static final class UncheckedZip extends RuntimeException {
        UncheckedZip(ZipException cause) {
            super(cause);
        }
    }
}
