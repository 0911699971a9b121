package io.resnetspark.model.onednn;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.FrozenLayer;
import org.deeplearning4j.nn.layers.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the project's oneDNN helpers into a built network's convolution and batch-norm layers, in the
 * field where DL4J keeps the helper it made itself (DL4J instantiates its helpers by fixed class names,
 * so there is no other way in). The configuration and the saved zips stay DL4J's: a network loaded
 * anywhere without this class trains the same, only slower. Layers it does not handle (NHWC, non-float,
 * subclasses of ConvolutionLayer such as depthwise or 1D) keep DL4J's helper.
 */
public final class OneDnnHelpers {
    private static final Logger LOG = LoggerFactory.getLogger(OneDnnHelpers.class);
    private static final Field CONV_HELPER = field(ConvolutionLayer.class, "helper");
    private static final Field CONV_FAILS = field(ConvolutionLayer.class, "helperCountFail");
    private static final Field BN_HELPER = field(BatchNormalization.class, "helper");
    private static final Field BN_FAILS = field(BatchNormalization.class, "helperCountFail");
    private static volatile Boolean available;

    private OneDnnHelpers() {
    }

    /** How many layers got a helper of this package, and how many already had one. */
    public record Installed(int convolutions, int batchNorms, int alreadyInstalled, int pairs) {
        public int total() {
            return convolutions + batchNorms + alreadyInstalled;
        }
    }

    /**
     * True when JavaCPP's oneDNN loads on this machine (x86-64 Linux with the presets' natives). Checked
     * once; a failure is logged and the networks keep DL4J's helpers.
     */
    public static boolean available() {
        Boolean a = available;
        if (a == null) {
            synchronized (OneDnnHelpers.class) {
                if (available == null) {
                    try {
                        LOG.debug("oneDNN {} ({}) for the layer helpers", Dnnl.version(), Dnnl.isa());
                        available = true;
                    } catch (Throwable t) {
                        LOG.warn("oneDNN presets unavailable ({}); keeping DL4J's layer helpers", t.toString());
                        available = false;
                    }
                }
                a = available;
            }
        }
        return a;
    }

    public static Installed install(ComputationGraph graph) {
        if (graph.getLayers() == null || !available()) {
            return new Installed(0, 0, 0, 0);
        }
        int conv = 0;
        int bn = 0;
        int already = 0;
        for (Layer l : graph.getLayers()) {
            Layer layer = unwrap(l);
            try {
                if (layer.getClass() == ConvolutionLayer.class) {
                    ConvolutionLayer c = (ConvolutionLayer) layer;
                    if (c.getHelper() instanceof ConvHelper) {
                        already++;
                    } else if (convSupported(c)) {
                        CONV_HELPER.set(c, new ConvHelper(c.hasBias()));
                        CONV_FAILS.setInt(c, 0);
                        conv++;
                    }
                } else if (layer.getClass() == BatchNormalization.class) {
                    BatchNormalization b = (BatchNormalization) layer;
                    if (b.getHelper() instanceof BatchNormHelper) {
                        already++;
                    } else if (bnSupported(b)) {
                        BN_HELPER.set(b, new BatchNormHelper());
                        BN_FAILS.setInt(b, 0);
                        bn++;
                    }
                }
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("cannot set a layer helper of DL4J " + layer.getClass().getName(), e);
            }
        }
        return new Installed(conv, bn, already, pair(graph));
    }

    /**
     * Pairs every convolution whose output goes to a batch norm and nowhere else (identity activation,
     * not a network output): they then pass that tensor, and its gradient, in the blocked layout.
     */
    private static int pair(ComputationGraph graph) {
        Map<String, List<String>> consumers = new HashMap<>();
        for (Map.Entry<String, List<String>> e : graph.getConfiguration().getVertexInputs().entrySet()) {
            for (String input : e.getValue()) {
                consumers.computeIfAbsent(input, k -> new ArrayList<>()).add(e.getKey());
            }
        }
        List<String> outputs = graph.getConfiguration().getNetworkOutputs();
        int pairs = 0;
        for (Layer l : graph.getLayers()) {
            Layer layer = unwrap(l);
            if (!(layer.getHelper() instanceof ConvHelper conv)) {
                continue;
            }
            String name = layer.conf().getLayer().getLayerName();
            List<String> next = consumers.getOrDefault(name, List.of());
            if (next.size() != 1 || outputs.contains(name) || !(((org.deeplearning4j.nn.conf.layers.ConvolutionLayer)
                    layer.conf().getLayer()).getActivationFn() instanceof ActivationIdentity)) {
                continue;
            }
            Layer consumer = graph.getLayer(next.get(0));
            if (consumer != null && unwrap(consumer).getHelper() instanceof BatchNormHelper bn) {
                conv.pair(bn);
                pairs++;
            }
        }
        return pairs;
    }

    private static Layer unwrap(Layer l) {
        if (l instanceof FrozenLayer f) {
            return f.getInsideLayer();
        }
        if (l instanceof FrozenLayerWithBackprop f) {
            return f.getInsideLayer();
        }
        return l;
    }

    private static boolean convSupported(ConvolutionLayer c) {
        org.deeplearning4j.nn.conf.layers.ConvolutionLayer conf =
                (org.deeplearning4j.nn.conf.layers.ConvolutionLayer) c.conf().getLayer();
        return conf.getCnn2dDataFormat() == CNN2DFormat.NCHW && c.getParam("W").dataType() == DataType.FLOAT;
    }

    private static boolean bnSupported(BatchNormalization b) {
        org.deeplearning4j.nn.conf.layers.BatchNormalization conf =
                (org.deeplearning4j.nn.conf.layers.BatchNormalization) b.conf().getLayer();
        return conf.getCnn2DFormat() == CNN2DFormat.NCHW && !conf.isLockGammaBeta()
                && b.getParam("gamma").dataType() == DataType.FLOAT;
    }

    private static Field field(Class<?> owner, String name) {
        try {
            Field f = owner.getDeclaredField(name);
            f.setAccessible(true);
            return f;
        } catch (NoSuchFieldException e) {
            throw new ExceptionInInitializerError("DL4J " + owner.getName() + " has no field " + name
                    + " (a DL4J version other than 1.0.0-M2.1?)");
        }
    }
}
