"""Runs onnx.checker (with shape inference) on each ONNX file given; prints one line per file.

Uses Debian's python3-onnx only. Exit status 1 when any file fails, with the checker's message.
"""
import sys

import onnx
import onnx.checker
import onnx.shape_inference


def main(paths):
    failed = False
    for p in paths:
        try:
            model = onnx.load(p)
            onnx.checker.check_model(model, full_check=True)
            inferred = onnx.shape_inference.infer_shapes(model, strict_mode=True)
            out = inferred.graph.output[0]
            dims = [d.dim_param or d.dim_value for d in out.type.tensor_type.shape.dim]
            print("OK %s opset=%d ir=%d output=%s%s" % (p, model.opset_import[0].version, model.ir_version,
                                                       out.name, dims))
        except Exception as e:  # the checker raises several types; all mean the same here
            failed = True
            print("FAILED %s: %s" % (p, e))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
