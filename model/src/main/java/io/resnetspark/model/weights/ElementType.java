package io.resnetspark.model.weights;

import java.nio.ByteBuffer;
import java.util.Locale;

/** The element types checkpoints store, each read from bytes and widened to float. */
enum ElementType {
    F32(4), F64(8), F16(2), BF16(2), I64(8), I32(4), I16(2), I8(1), U8(1), BOOL(1);

    final int bytes;

    ElementType(int bytes) {
        this.bytes = bytes;
    }

    /** Element {@code at} (counted in elements) of a buffer in the buffer's byte order. */
    float read(ByteBuffer b, long at) {
        int i = Math.toIntExact(at * bytes);
        return switch (this) {
            case F32 -> b.getFloat(i);
            case F64 -> (float) b.getDouble(i);
            case F16 -> halfToFloat(b.getShort(i));
            case BF16 -> Float.intBitsToFloat((b.getShort(i) & 0xffff) << 16);
            case I64 -> (float) b.getLong(i);
            case I32 -> (float) b.getInt(i);
            case I16 -> b.getShort(i);
            case I8 -> b.get(i);
            case U8, BOOL -> b.get(i) & 0xff;
        };
    }

    /** torch's typed storage classes ({@code torch.FloatStorage}, ...), or null for one it has no name for here. */
    static ElementType ofTorchStorage(String className) {
        return switch (className) {
            case "FloatStorage" -> F32;
            case "DoubleStorage" -> F64;
            case "HalfStorage" -> F16;
            case "BFloat16Storage" -> BF16;
            case "LongStorage" -> I64;
            case "IntStorage" -> I32;
            case "ShortStorage" -> I16;
            case "CharStorage" -> I8;
            case "ByteStorage" -> U8;
            case "BoolStorage" -> BOOL;
            default -> null;
        };
    }

    /** The safetensors header's dtype names, or null for one (complex, float8) that has no use in a ResNet. */
    static ElementType ofSafetensors(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** IEEE 754 binary16 to float (Java 17 has no Float.float16ToFloat). */
    static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            // subnormal: mant * 2^-24, exact in float
            float v = mant * 0x1p-24f;
            return sign == 0 ? v : -v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }
}
