package io.resnetspark.model.onednn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import org.junit.jupiter.api.Test;

class NativeVariantTest {

    @Test
    void avx512BuildOnlyWhereEveryInstructionItIsCompiledForExists() {
        assertEquals("-onednn-avx512", NativeVariant.extensionFor(
                Set.of("avx2", "avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl", "avx512_vnni")));
        // Xeon Phi (Knights Landing) has AVX-512F and CD but not BW/DQ/VL
        assertEquals("-onednn-avx2", NativeVariant.extensionFor(Set.of("avx2", "avx512f", "avx512cd", "avx512er")));
        assertEquals("-onednn-avx2", NativeVariant.extensionFor(Set.of("avx", "avx2", "fma")));
    }
}
