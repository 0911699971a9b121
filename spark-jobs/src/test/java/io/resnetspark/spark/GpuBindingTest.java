package io.resnetspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class GpuBindingTest {
    @Test
    void bindsTheAssignedDeviceOnCuda() {
        assertEquals(OptionalInt.of(2), GpuBinding.choose(new String[] {"2"}, true, 4));
        assertEquals(OptionalInt.of(0), GpuBinding.choose(new String[] {" 0 "}, true, 1));
    }

    @Test
    void doesNothingOnCpuOrWithoutAnAssignment() {
        assertEquals(OptionalInt.empty(), GpuBinding.choose(new String[] {"1"}, false, 0));
        assertEquals(OptionalInt.empty(), GpuBinding.choose(null, true, 4));
        assertEquals(OptionalInt.empty(), GpuBinding.choose(new String[0], true, 4));
    }

    @Test
    void aSingleVisibleDeviceIsTheAssignedOne() {
        // CUDA_VISIBLE_DEVICES=3 leaves the process one device, numbered 0
        assertEquals(OptionalInt.of(0), GpuBinding.choose(new String[] {"3"}, true, 1));
    }

    @Test
    void anImpossibleAssignmentIsAClearError() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> GpuBinding.choose(new String[] {"5"}, true, 2));
        assertTrue(e.getMessage().contains("GPU 5") && e.getMessage().contains("2 devices"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> GpuBinding.choose(new String[] {"gpu-a"}, true, 2));
    }

    @Test
    void thisBuildIsNotCudaAndOutsideATaskNothingIsBound() {
        assertFalse(GpuBinding.cudaBackend());
        assertEquals(OptionalInt.empty(), GpuBinding.bindTaskThread());
    }
}
