package io.resnetspark.spark;

import java.util.OptionalInt;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Binds the ND4J device of an executor task thread to the GPU Spark's scheduler assigned to the task
 * ({@code spark.task.resource.gpu.amount}). Without it every executor on a multi-GPU host would use
 * device 0. The decision is a pure function ({@link #choose}) so it can be checked without a GPU.
 */
public final class GpuBinding {
    private GpuBinding() {
    }

    /**
     * The device to bind, or empty when nothing should be done.
     *
     * @param addresses   the GPU addresses Spark assigned to the task (null or empty: none)
     * @param cudaBackend whether ND4J runs on CUDA (CPU builds never bind)
     * @param devices     how many devices ND4J sees in this process
     */
    public static OptionalInt choose(String[] addresses, boolean cudaBackend, int devices) {
        if (!cudaBackend || addresses == null || addresses.length == 0 || devices <= 0) {
            return OptionalInt.empty();
        }
        int address;
        try {
            address = Integer.parseInt(addresses[0].trim());
        } catch (NumberFormatException e) {
            throw new IllegalStateException("Spark assigned GPU address '" + addresses[0]
                    + "', which is not a device number; fix the GPU discovery script");
        }
        if (address >= 0 && address < devices) {
            return OptionalInt.of(address);
        }
        // the cluster manager may already have limited CUDA_VISIBLE_DEVICES to the assigned GPU
        if (devices == 1) {
            return OptionalInt.of(0);
        }
        throw new IllegalStateException("Spark assigned GPU " + address + " but ND4J sees only " + devices
                + " devices (0-" + (devices - 1) + ")");
    }

    public static boolean cudaBackend() {
        // the CUDA backend is org.nd4j.linalg.jcublas.JCublasBackend; the CPU one is nativecpu.CpuBackend
        return Nd4j.getBackend().getClass().getName().contains(".jcublas.");
    }

    /** Binds the current task thread; a no-op outside a Spark task, without GPUs or on the CPU backend. */
    public static OptionalInt bindTaskThread() {
        TaskContext task = TaskContext.get();
        if (task == null) {
            return OptionalInt.empty();
        }
        ResourceInformation gpu = task.resourcesJMap().get("gpu");
        String[] addresses = gpu == null ? null : gpu.addresses();
        if (addresses == null || addresses.length == 0) {
            return OptionalInt.empty();
        }
        OptionalInt device = choose(addresses, cudaBackend(), Nd4j.getAffinityManager().getNumberOfDevices());
        device.ifPresent(d -> Nd4j.getAffinityManager().unsafeSetDevice(d));
        return device;
    }
}
