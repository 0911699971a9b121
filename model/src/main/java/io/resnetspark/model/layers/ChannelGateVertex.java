package io.resnetspark.model.layers;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.BaseGraphVertex;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.factory.Nd4j;

/** {@link ChannelGate} at run time: y = x * gate per (example, channel); gradients for both inputs. */
public class ChannelGateVertex extends BaseGraphVertex {

    public ChannelGateVertex(ComputationGraph graph, String name, int vertexIndex, DataType dataType) {
        super(graph, name, vertexIndex, null, null, dataType);
    }

    @Override
    public boolean hasLayer() {
        return false;
    }

    @Override
    public Layer getLayer() {
        return null;
    }

    /** The gate as [N, C]: broadcast ops along dimensions (0, 1) then scale every H x W plane. */
    private static INDArray gate2d(INDArray gate) {
        return gate.reshape(gate.size(0), gate.size(1));
    }

    @Override
    public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (!canDoForward()) {
            throw new IllegalStateException("channel gate " + vertexName + ": inputs not set");
        }
        INDArray x = inputs[0].castTo(dataType);
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, x.shape(), 'c');
        Nd4j.getExecutioner().exec(new BroadcastMulOp(x, gate2d(inputs[1].castTo(dataType)), out, 0, 1));
        return out;
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        if (!canDoBackward()) {
            throw new IllegalStateException("channel gate " + vertexName + ": epsilon not set");
        }
        INDArray x = inputs[0].castTo(dataType);
        INDArray gate = inputs[1].castTo(dataType);
        INDArray eps = epsilon.castTo(dataType);
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, x.shape(), 'c');
        Nd4j.getExecutioner().exec(new BroadcastMulOp(eps, gate2d(gate), dx, 0, 1));
        INDArray dGate = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, gate.shape(), 'c');
        eps.mul(x).sum(dGate.reshape(gate.size(0), gate.size(1)), 2, 3);
        return new Pair<>(null, new INDArray[] {dx, dGate});
    }

    @Override
    public void setBackpropGradientsViewArray(INDArray backpropGradientsViewArray) {
        if (backpropGradientsViewArray != null) {
            throw new IllegalStateException("channel gate " + vertexName + " has no parameters");
        }
    }

    @Override
    public Pair<INDArray, MaskState> feedForwardMaskArrays(INDArray[] maskArrays, MaskState currentMaskState,
                                                           int minibatchSize) {
        return maskArrays == null || maskArrays.length == 0 ? null : new Pair<>(maskArrays[0], currentMaskState);
    }

    @Override
    public String toString() {
        return "ChannelGateVertex(" + vertexName + ")";
    }
}
