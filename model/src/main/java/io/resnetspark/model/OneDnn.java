package io.resnetspark.model;

import io.resnetspark.model.onednn.BatchNormHelper;
import io.resnetspark.model.onednn.ConvHelper;
import io.resnetspark.model.onednn.OneDnnHelpers;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * oneDNN on the CPU backend: DL4J ships its layer helpers switched off, and M2.1's check for them is
 * broken (see {@link org.nd4j.nativeblas.Nd4jCpu}). {@link #enable()} must run before a network is
 * initialised; {@link #coverage(ComputationGraph)} tells whether every conv/BN/pool layer got a helper.
 * Grouped convolutions (ResNeXt's 3x3s) are not counted: DL4J has no helper for them, and
 * {@link io.resnetspark.model.layers.GroupedConvolutionLayer} runs as plain ND4J ops by design.
 * {@link #install(ComputationGraph)} then swaps the conv and batch-norm helpers for the project's own
 * ({@link OneDnnHelpers}), unless {@value #HELPERS}=dl4j.
 */
public final class OneDnn {
    static final String HELPERS_DISABLE = "org.eclipse.deeplearning4j.helpers.disable";
    /** System property: {@code own} (default) for the project's conv/BN helpers, {@code dl4j} for DL4J's. */
    public static final String HELPERS = "resnetspark.onednn.helpers";

    private OneDnn() {
    }

    /** Switches DL4J's layer helpers on for networks initialised from now on. */
    public static void enable() {
        if (System.getProperty(HELPERS_DISABLE) == null) {
            System.setProperty(HELPERS_DISABLE, "false");
        }
        Nd4j.getEnvironment().allowHelpers(true);
    }

    /** The project's own conv and batch-norm helpers on a built network (CPU backend, unless {@value #HELPERS}=dl4j). */
    public static ComputationGraph install(ComputationGraph graph) {
        if (!"dl4j".equalsIgnoreCase(System.getProperty(HELPERS, "own")) && cpuBackend()) {
            OneDnnHelpers.install(graph);
        }
        return graph;
    }

    /**
     * Sizes the OpenMP team of oneDNN calls made from the calling thread (OpenMP keeps the count per
     * thread). A Spark task thread gets the cores the task was given: without this, every task of an
     * executor (every thread of {@code local[N]}) would start a team as large as the machine, and the
     * teams of the own helpers, which spin while they wait, would fight for the same cores.
     */
    public static void threadsForThisThread(int threads) {
        if (cpuBackend()) {
            NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(Math.max(1, threads));
        }
    }

    /** How many conv and batch-norm layers run on the project's own helpers. */
    public static int ownHelpers(ComputationGraph graph) {
        int n = 0;
        for (Layer layer : graph.getLayers()) {
            if (layer.getHelper() instanceof ConvHelper || layer.getHelper() instanceof BatchNormHelper) {
                n++;
            }
        }
        return n;
    }

    /** True when the backend is the CPU one (the only one that has oneDNN helpers). */
    public static boolean cpuBackend() {
        String backend = Nd4j.getExecutioner().getEnvironmentInformation().getProperty("backend");
        return "CPU".equalsIgnoreCase(backend);
    }

    /** How many conv, batch-norm and pooling layers a network has, and how many of them have a helper. */
    public record Coverage(int layers, int withHelper, String firstMissing) {
        public boolean complete() {
            return layers > 0 && layers == withHelper;
        }

        @Override
        public String toString() {
            return withHelper + "/" + layers + " conv/BN/pool layers have a oneDNN helper"
                    + (firstMissing == null ? "" : " (first without: " + firstMissing + ")");
        }
    }

    public static Coverage coverage(ComputationGraph graph) {
        int layers = 0;
        int with = 0;
        String missing = null;
        for (Layer layer : graph.getLayers()) {
            if (layer instanceof ConvolutionLayer || layer instanceof BatchNormalization
                    || layer instanceof SubsamplingLayer) {
                layers++;
                if (layer.getHelper() != null) {
                    with++;
                } else if (missing == null) {
                    missing = layer.conf().getLayer().getLayerName();
                }
            }
        }
        return new Coverage(layers, with, missing);
    }
}
