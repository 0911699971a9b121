package io.resnetspark.model.weights;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The part of Python's pickle machine that {@code torch.save} output needs (protocols 2 to 5, binary
 * opcodes only). It never runs Python code and never instantiates a Java class by name: the two
 * callables torch uses to rebuild tensors are recognised, {@code collections.OrderedDict} becomes a
 * {@link LinkedHashMap}, and every other class (argparse.Namespace in training checkpoints, a whole
 * pickled nn.Module) becomes an inert {@link PyObject} that only appears in messages.
 *
 * <p>Written here rather than taken from net.razorvine:pickle 1.3 (Spark's copy) because that version
 * hands BINPERSID ids to its hook as {@code toString()} of a tuple, which loses torch's storage key and
 * type, and it cannot BUILD the state dict's OrderedDict.
 */
final class TorchPickle {

    /** A module-level Python name (a class or function), as GLOBAL/STACK_GLOBAL push it. */
    record PyGlobal(String module, String name) {
        @Override
        public String toString() {
            return module + "." + name;
        }
    }

    /** An instance of a class this reader does not know; kept only to name it. */
    static final class PyObject {
        final PyGlobal type;
        Object state;

        PyObject(PyGlobal type) {
            this.type = type;
        }
    }

    /** The {@code ('storage', type, key, location, numel)} persistent id torch writes for each storage. */
    record StorageRef(String key, String type, long numel) {
    }

    /** What {@code torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...)} describes. */
    record TensorRef(StorageRef storage, long offset, long[] size, long[] stride) {
    }

    /** Why the bytes are not a pickle this reader can follow; the text completes a sentence. */
    static final class PickleProblem extends Exception {
        PickleProblem(String problem) {
            super(problem);
        }
    }

    private final ByteBuffer in;
    private final List<Object> stack = new ArrayList<>();
    private final List<Integer> marks = new ArrayList<>();
    private final Map<Integer, Object> memo = new HashMap<>();
    private final Function<Object, Object> persistentLoad;

    private TorchPickle(byte[] bytes, Function<Object, Object> persistentLoad) {
        this.in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        this.persistentLoad = persistentLoad;
    }

    /** Unpickles torch's data.pkl; storages come back as {@link StorageRef}, tensors as {@link TensorRef}. */
    static Object loadTorch(byte[] bytes) throws PickleProblem {
        return new TorchPickle(bytes, TorchPickle::storageRef).run();
    }

    private static Object storageRef(Object pid) {
        if (pid instanceof Object[] t && t.length == 5 && "storage".equals(t[0]) && t[1] instanceof PyGlobal type
                && t[4] instanceof Number numel) {
            return new StorageRef(String.valueOf(t[2]), type.name(), numel.longValue());
        }
        throw new IllegalStateException("an unknown persistent id " + describe(pid));
    }

    private Object run() throws PickleProblem {
        try {
            while (true) {
                int op = in.get() & 0xff;
                if (op == '.') {
                    return pop();
                }
                step(op);
            }
        } catch (java.nio.BufferUnderflowException e) {
            throw new PickleProblem("ends in the middle of an instruction (cut short)");
        } catch (IllegalStateException | ClassCastException | IndexOutOfBoundsException e) {
            throw new PickleProblem("is not a state dict this reader understands (" + e.getMessage() + ")");
        }
    }

    private void step(int op) throws PickleProblem {
        switch (op) {
            case 0x80 -> { // PROTO
                int v = in.get() & 0xff;
                if (v < 2 || v > 5) {
                    throw new PickleProblem("uses pickle protocol " + v + " (torch writes 2)");
                }
            }
            case 0x95 -> in.getLong(); // FRAME: a length hint only
            case '(' -> marks.add(stack.size());
            case '0' -> pop(); // POP
            case '1' -> popMark(); // POP_MARK
            case '2' -> push(peek()); // DUP
            case 'N' -> push(null);
            case 0x88 -> push(Boolean.TRUE);
            case 0x89 -> push(Boolean.FALSE);
            case 'J' -> push((long) in.getInt());
            case 'K' -> push((long) (in.get() & 0xff));
            case 'M' -> push((long) (in.getShort() & 0xffff));
            case 0x8a -> push(longFrom(bytes(in.get() & 0xff))); // LONG1
            case 0x8b -> push(longFrom(bytes(length(in.getInt())))); // LONG4
            case 'G' -> push(Double.longBitsToDouble(Long.reverseBytes(in.getLong()))); // BINFLOAT is big-endian
            case 'X' -> push(utf8(length(in.getInt()))); // BINUNICODE
            case 0x8c -> push(utf8(in.get() & 0xff)); // SHORT_BINUNICODE
            case 0x8d -> push(utf8(length(in.getLong()))); // BINUNICODE8
            case 'T' -> push(latin1(length(in.getInt()))); // BINSTRING
            case 'U' -> push(latin1(in.get() & 0xff)); // SHORT_BINSTRING
            case 'B' -> push(bytes(length(in.getInt()))); // BINBYTES
            case 'C' -> push(bytes(in.get() & 0xff)); // SHORT_BINBYTES
            case 0x8e, 0x96 -> push(bytes(length(in.getLong()))); // BINBYTES8, BYTEARRAY8
            case ']' -> push(new ArrayList<>());
            case 'l' -> push(new ArrayList<>(popMark())); // LIST
            case 'a' -> { // APPEND
                Object v = pop();
                list(peek()).add(v);
            }
            case 'e' -> { // APPENDS
                List<Object> items = popMark();
                list(peek()).addAll(items);
            }
            case ')' -> push(new Object[0]);
            case 't' -> push(popMark().toArray()); // TUPLE
            case 0x85 -> push(new Object[] {pop()}); // TUPLE1
            case 0x86 -> { // TUPLE2
                Object b = pop();
                push(new Object[] {pop(), b});
            }
            case 0x87 -> { // TUPLE3
                Object c = pop();
                Object b = pop();
                push(new Object[] {pop(), b, c});
            }
            case '}' -> push(new LinkedHashMap<>());
            case 'd' -> push(dictOf(popMark())); // DICT
            case 's' -> { // SETITEM
                Object v = pop();
                Object k = pop();
                dict(peek()).put(k, v);
            }
            case 'u' -> { // SETITEMS
                List<Object> kv = popMark();
                dict(peek()).putAll(dictOf(kv));
            }
            case 0x8f -> push(new ArrayList<>()); // EMPTY_SET: order and uniqueness do not matter here
            case 0x90 -> { // ADDITEMS
                List<Object> items = popMark();
                list(peek()).addAll(items);
            }
            case 0x91 -> push(new ArrayList<>(popMark())); // FROZENSET
            case 'c' -> push(new PyGlobal(line(), line())); // GLOBAL
            case 0x93 -> { // STACK_GLOBAL
                String name = (String) pop();
                push(new PyGlobal((String) pop(), name));
            }
            case 'R' -> { // REDUCE
                Object[] args = (Object[]) pop();
                push(call(pop(), args));
            }
            case 0x81 -> { // NEWOBJ
                pop();
                push(new PyObject((PyGlobal) pop()));
            }
            case 0x92 -> { // NEWOBJ_EX
                pop();
                pop();
                push(new PyObject((PyGlobal) pop()));
            }
            case 'b' -> build(pop(), peek());
            case 'Q' -> push(persistentLoad.apply(pop())); // BINPERSID
            case 'q' -> memo.put(in.get() & 0xff, peek()); // BINPUT
            case 'r' -> memo.put(in.getInt(), peek()); // LONG_BINPUT
            case 0x94 -> memo.put(memo.size(), peek()); // MEMOIZE
            case 'h' -> push(memoGet(in.get() & 0xff)); // BINGET
            case 'j' -> push(memoGet(in.getInt())); // LONG_BINGET
            default -> throw new PickleProblem(String.format("has pickle instruction 0x%02x at byte %d, which torch.save"
                    + " does not write", op, in.position() - 1));
        }
    }

    private Object call(Object callable, Object[] args) {
        if (!(callable instanceof PyGlobal g)) {
            throw new IllegalStateException("a call of " + describe(callable));
        }
        switch (g.toString()) {
            case "collections.OrderedDict":
                return args.length == 0 ? new LinkedHashMap<>() : dictOf(pairs(args[0]));
            case "torch._utils._rebuild_tensor_v2":
            case "torch._utils._rebuild_tensor":
                return new TensorRef((StorageRef) args[0], ((Number) args[1]).longValue(), longs(args[2]),
                        longs(args[3]));
            case "torch._utils._rebuild_parameter":
            case "torch._utils._rebuild_parameter_with_state":
                return args[0]; // an nn.Parameter saved as such: its data is the tensor
            default:
                PyObject o = new PyObject(g);
                o.state = args;
                return o;
        }
    }

    /** BUILD sets an object's state; on the state dict's OrderedDict it only attaches torch's version metadata. */
    private static void build(Object state, Object target) {
        if (target instanceof PyObject o) {
            o.state = state;
        }
    }

    private static List<Object> pairs(Object iterable) {
        List<Object> kv = new ArrayList<>();
        for (Object pair : list(iterable)) {
            Object[] p = pair instanceof Object[] a ? a : list(pair).toArray();
            kv.add(p[0]);
            kv.add(p[1]);
        }
        return kv;
    }

    private static Map<Object, Object> dictOf(List<Object> kv) {
        Map<Object, Object> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < kv.size(); i += 2) {
            m.put(kv.get(i), kv.get(i + 1));
        }
        return m;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        if (o instanceof List<?> l) {
            return (List<Object>) l;
        }
        if (o instanceof Object[] a) {
            return Arrays.asList(a);
        }
        throw new IllegalStateException("a list operation on " + describe(o));
    }

    @SuppressWarnings("unchecked")
    private static Map<Object, Object> dict(Object o) {
        if (o instanceof Map<?, ?> m) {
            return (Map<Object, Object>) m;
        }
        throw new IllegalStateException("a dict operation on " + describe(o));
    }

    private static long[] longs(Object tuple) {
        List<Object> l = list(tuple);
        long[] r = new long[l.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = ((Number) l.get(i)).longValue();
        }
        return r;
    }

    static String describe(Object o) {
        if (o == null) {
            return "None";
        }
        if (o instanceof PyObject p) {
            return "a " + p.type + " object";
        }
        if (o instanceof Object[] t) {
            return "a tuple of " + t.length;
        }
        return "a " + o.getClass().getSimpleName();
    }

    private Object memoGet(int key) {
        if (!memo.containsKey(key)) {
            throw new IllegalStateException("a reference to memo entry " + key + " that was never stored");
        }
        return memo.get(key);
    }

    private void push(Object o) {
        stack.add(o);
    }

    private Object pop() {
        if (stack.isEmpty() || (!marks.isEmpty() && marks.get(marks.size() - 1) == stack.size())) {
            throw new IllegalStateException("an instruction that reads past the start of its stack frame");
        }
        return stack.remove(stack.size() - 1);
    }

    private Object peek() {
        if (stack.isEmpty()) {
            throw new IllegalStateException("an instruction on an empty stack");
        }
        return stack.get(stack.size() - 1);
    }

    private List<Object> popMark() {
        if (marks.isEmpty()) {
            throw new IllegalStateException("an instruction that needs a MARK that is not there");
        }
        int from = marks.remove(marks.size() - 1);
        List<Object> top = new ArrayList<>(stack.subList(from, stack.size()));
        stack.subList(from, stack.size()).clear();
        return top;
    }

    private int length(long n) {
        if (n < 0 || n > in.remaining()) {
            throw new java.nio.BufferUnderflowException();
        }
        return (int) n;
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[length(n)];
        in.get(b);
        return b;
    }

    private String utf8(int n) {
        return new String(bytes(n), StandardCharsets.UTF_8);
    }

    private String latin1(int n) {
        return new String(bytes(n), StandardCharsets.ISO_8859_1);
    }

    private String line() {
        StringBuilder sb = new StringBuilder();
        for (byte b = in.get(); b != '\n'; b = in.get()) {
            sb.append((char) (b & 0xff));
        }
        return sb.toString();
    }

    /** Python's little-endian two's-complement long; a Long where it fits. */
    private static Object longFrom(byte[] le) {
        if (le.length == 0) {
            return 0L;
        }
        byte[] be = new byte[le.length];
        for (int i = 0; i < le.length; i++) {
            be[i] = le[le.length - 1 - i];
        }
        BigInteger v = new BigInteger(be);
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }
}
