package io.resnetspark.model.onnx;

/** A network ONNX export cannot write; the message is one sentence naming the vertex and what it holds. */
public class OnnxExportException extends RuntimeException {
    public OnnxExportException(String message) {
        super(message);
    }
}
