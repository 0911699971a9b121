package io.resnetspark.model.layers;

import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.InputTypeUtil;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Configuration of a 2D convolution whose channels are split into {@code groups} independent groups
 * (PyTorch's {@code nn.Conv2d(..., groups=g)}): output channel block {@code j} sees only input channel
 * block {@code j}. DL4J has no such layer; {@link GroupedConvolutionLayer} computes it with ND4J ops.
 *
 * <p>The weight {@code W} is [nOut, nIn / groups, kH, kW] in 'c' order, exactly torch's layout, so a
 * state-dict tensor copies in unchanged; the optional bias {@code b} is [1, nOut]. Input and output
 * are NCHW; padding is explicit (DL4J's Truncate mode, torch's semantics). Jackson writes this class
 * into DL4J's configuration.json through its getters and setters, which is why they all exist.
 */
public class GroupedConvolution extends FeedForwardLayer {
    private int[] kernelSize = {3, 3};
    private int[] stride = {1, 1};
    private int[] padding = {0, 0};
    private int[] dilation = {1, 1};
    private int groups = 1;
    private boolean hasBias = false;

    /** For Jackson. */
    protected GroupedConvolution() {
    }

    private GroupedConvolution(Builder b) {
        super(b);
        this.kernelSize = b.kernelSize.clone();
        this.stride = b.stride.clone();
        this.padding = b.padding.clone();
        this.dilation = b.dilation.clone();
        this.groups = b.groups;
        this.hasBias = b.hasBias;
        checkGroups();
    }

    private void checkGroups() {
        if (activationFn != null && !(activationFn instanceof ActivationIdentity)) {
            throw new IllegalArgumentException("layer " + layerName + ": a grouped convolution has no activation of its"
                    + " own (put an activation layer after it), got " + activationFn);
        }
        if (groups < 1) {
            throw new IllegalArgumentException("layer " + layerName + ": groups must be at least 1, got " + groups);
        }
        if ((nIn > 0 && nIn % groups != 0) || (nOut > 0 && nOut % groups != 0)) {
            throw new IllegalArgumentException("layer " + layerName + ": " + groups + " groups must divide both nIn ("
                    + nIn + ") and nOut (" + nOut + ")");
        }
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
                                                       Collection<TrainingListener> listeners, int layerIndex,
                                                       INDArray paramsView, boolean initializeParams,
                                                       DataType networkDataType) {
        checkGroups();
        GroupedConvolutionLayer layer = new GroupedConvolutionLayer(conf, networkDataType);
        layer.setListeners(listeners);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(paramsView);
        Map<String, INDArray> params = initializer().init(conf, paramsView, initializeParams);
        layer.setParamTable(params);
        layer.setConf(conf);
        return layer;
    }

    @Override
    public ParamInitializer initializer() {
        return GroupedConvolutionParams.INSTANCE;
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        requireCnn(inputType);
        return InputTypeUtil.getOutputTypeCnnLayers(inputType, kernelSize, stride, padding, dilation,
                ConvolutionMode.Truncate, nOut, layerIndex, layerName, CNN2DFormat.NCHW, GroupedConvolution.class);
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        requireCnn(inputType);
        if (nIn <= 0 || override) {
            nIn = ((InputType.InputTypeConvolutional) inputType).getChannels();
        }
    }

    private void requireCnn(InputType inputType) {
        if (!(inputType instanceof InputType.InputTypeConvolutional c) || c.getFormat() != CNN2DFormat.NCHW) {
            throw new IllegalStateException("layer " + layerName + " (grouped convolution) needs NCHW image input, got "
                    + inputType);
        }
    }

    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
        return InputTypeUtil.getPreProcessorForInputTypeCnnLayers(inputType, layerName);
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        InputType.InputTypeConvolutional in = (InputType.InputTypeConvolutional) inputType;
        InputType.InputTypeConvolutional out = (InputType.InputTypeConvolutional) getOutputType(-1, inputType);
        long params = initializer().numParams(this);
        // the unfolded patches: every input channel times kernel area times output positions
        long columns = in.getChannels() * (long) kernelSize[0] * kernelSize[1] * out.getHeight() * out.getWidth();
        return new LayerMemoryReport.Builder(layerName, GroupedConvolution.class, inputType, out)
                .standardMemory(params, getIUpdater() == null ? 0 : getIUpdater().stateSize(params))
                .workingMemory(0, columns, 0, 2 * columns)
                .cacheMemory(MemoryReport.CACHE_MODE_ALL_ZEROS, MemoryReport.CACHE_MODE_ALL_ZEROS)
                .build();
    }

    @Override
    public GroupedConvolution clone() {
        GroupedConvolution c = (GroupedConvolution) super.clone();
        c.kernelSize = kernelSize.clone();
        c.stride = stride.clone();
        c.padding = padding.clone();
        c.dilation = dilation.clone();
        return c;
    }

    public int[] getKernelSize() { return kernelSize.clone(); }
    public void setKernelSize(int[] v) { kernelSize = pair(v, "kernelSize"); }
    public int[] getStride() { return stride.clone(); }
    public void setStride(int[] v) { stride = pair(v, "stride"); }
    public int[] getPadding() { return padding.clone(); }
    public void setPadding(int[] v) { padding = pair(v, "padding"); }
    public int[] getDilation() { return dilation.clone(); }
    public void setDilation(int[] v) { dilation = pair(v, "dilation"); }
    public int getGroups() { return groups; }
    public void setGroups(int v) { groups = v; }
    public boolean isHasBias() { return hasBias; }
    /** BN folding turns a bias-free grouped convolution into one with a bias. */
    public void setHasBias(boolean v) { hasBias = v; }
    public boolean hasBias() { return hasBias; }

    private static int[] pair(int[] v, String what) {
        if (v == null || v.length != 2) {
            throw new IllegalArgumentException(what + " needs two values (height, width), got " + Arrays.toString(v));
        }
        return v.clone();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof GroupedConvolution g) || !super.equals(o)) {
            return false;
        }
        return groups == g.groups && hasBias == g.hasBias && Arrays.equals(kernelSize, g.kernelSize)
                && Arrays.equals(stride, g.stride) && Arrays.equals(padding, g.padding)
                && Arrays.equals(dilation, g.dilation);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * super.hashCode() + groups) + Arrays.hashCode(kernelSize) + (hasBias ? 1 : 0);
    }

    @Override
    public String toString() {
        return "GroupedConvolution(" + layerName + ", " + nIn + "->" + nOut + ", groups=" + groups + ", kernel="
                + Arrays.toString(kernelSize) + ", stride=" + Arrays.toString(stride) + ", padding="
                + Arrays.toString(padding) + ", bias=" + hasBias + ")";
    }

    public static final class Builder extends FeedForwardLayer.Builder<Builder> {
        private int[] kernelSize;
        private int[] stride = {1, 1};
        private int[] padding = {0, 0};
        private int[] dilation = {1, 1};
        private int groups = 1;
        private boolean hasBias = false;

        public Builder(int kernelH, int kernelW) {
            this.kernelSize = new int[] {kernelH, kernelW};
            activation(Activation.IDENTITY);
        }

        public Builder stride(int h, int w) { stride = new int[] {h, w}; return this; }
        public Builder padding(int h, int w) { padding = new int[] {h, w}; return this; }
        public Builder dilation(int h, int w) { dilation = new int[] {h, w}; return this; }
        public Builder groups(int g) { groups = g; return this; }
        public Builder hasBias(boolean b) { hasBias = b; return this; }

        @Override
        @SuppressWarnings("unchecked")
        public GroupedConvolution build() {
            return new GroupedConvolution(this);
        }
    }
}
