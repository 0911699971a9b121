"""Test oracle: a torchvision ResNet (or ResNeXt, Wide ResNet; or timm's SE-ResNet / Res2Net, rebuilt in
timm_layout.py with timm's key names) with random weights, saved the ways real checkpoints come.

Writes into OUT_DIR:
  weights.pth          torch.save(model.state_dict())           (the torchvision release layout)
  nested.pth           {"state_dict": ..., "epoch", "args"}     (a timm/Lightning-style training checkpoint)
  weights.safetensors  written from the format's spec, because Debian has no safetensors package
  whole.pth            torch.save(model): a pickled nn.Module, which an importer must refuse
  bf16.pth, f16.safetensors  the weights rounded to bfloat16 / float16, with logits-bf16.bin and
                       logits-f16.bin computed from the rounded weights
  input.bin, logits.bin  raw little-endian float32: the input batch and the model's eval-mode logits
  oracle.json          shapes and versions

Uses only Debian's python3-torch and python3-torchvision (no pip; timm is not packaged, hence timm_layout).
"""
import argparse
import json
import os
import struct
import sys

import torch
import torchvision


def randomize_batch_norm(model, generator):
    # Running statistics far from (0, 1) and variances down near eps, so an import that drops them,
    # swaps mean and var, or uses another eps gives different logits. gamma follows the std so 152
    # layers keep activations of ordinary size.
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            c = m.num_features
            var = torch.pow(10.0, torch.rand(c, generator=generator) * 5.5 - 5.0)
            m.running_var.copy_(var)
            m.running_mean.copy_(torch.randn(c, generator=generator) * 0.1)
            m.weight.data.copy_(var.sqrt() * (torch.rand(c, generator=generator) + 0.5))
            m.bias.data.copy_(torch.randn(c, generator=generator) * 0.1)
            m.num_batches_tracked.fill_(7)
    # damp each residual branch's last BN, or every block adds its own unit of variance and ResNet-152's
    # logits reach 1e7, where a relative check no longer sees small per-channel errors; a residual block
    # is any module with a downsample slot (torchvision's two blocks and timm_layout's SE and Res2Net ones)
    for m in model.modules():
        last = getattr(m, "bn3", None) or getattr(m, "bn2", None) if hasattr(m, "downsample") else None
        if last is not None:
            last.weight.data.mul_(0.2)
            last.bias.data.mul_(0.2)


SAFETENSORS_DTYPES = {torch.float32: "F32", torch.float64: "F64", torch.float16: "F16", torch.int64: "I64"}


def rounded(state, dtype):
    return {k: (v.to(dtype) if v.is_floating_point() else v) for k, v in state.items()}


def write_floats(tensor, path):
    with open(path, "wb") as f:
        f.write(tensor.detach().numpy().astype("<f4").tobytes())


def write_safetensors(state, path):
    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name, t in state.items():
        array = t.detach().contiguous().cpu().numpy()
        data = array.astype(array.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": SAFETENSORS_DTYPES[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)  # the spec pads the header with spaces to 8-byte alignment
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def build(name, classes):
    """torchvision's model of that name, or timm's (seresnet*, res2net*) from timm_layout.py beside this file."""
    if hasattr(torchvision.models, name):
        return getattr(torchvision.models, name)(weights=None, num_classes=classes)
    import timm_layout  # copied beside this script by the test (TorchOracle)
    if name not in timm_layout.NETWORKS:
        raise SystemExit("no torchvision or timm-layout model named " + name)
    return timm_layout.network(name, classes)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--classes", type=int, default=1000)
    p.add_argument("--size", type=int, default=64)
    p.add_argument("--batch", type=int, default=2)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--formats", default="pth,safetensors")
    a = p.parse_args()

    torch.manual_seed(a.seed)
    g = torch.Generator().manual_seed(a.seed + 1)
    model = build(a.model, a.classes)
    with torch.no_grad():
        randomize_batch_norm(model, g)
        # torchvision zeroes no biases by default, but make the head's clearly non-zero anyway
        model.fc.bias.copy_(torch.randn(a.classes, generator=g))
    model.eval()
    # copies: state_dict() shares storage with the model, which the rounded variants below overwrite
    state = {k: v.clone() for k, v in model.state_dict().items()}

    os.makedirs(a.out, exist_ok=True)
    formats = a.formats.split(",")
    if "pth" in formats:
        torch.save(model.state_dict(), os.path.join(a.out, "weights.pth"))  # an OrderedDict, as torchvision's
    if "nested" in formats:
        torch.save({"epoch": 3, "arch": a.model, "args": argparse.Namespace(lr=0.1, model=a.model),
                    "state_dict": state}, os.path.join(a.out, "nested.pth"))
    if "safetensors" in formats:
        write_safetensors(state, os.path.join(a.out, "weights.safetensors"))
    if "whole" in formats:
        torch.save(model, os.path.join(a.out, "whole.pth"))

    x = torch.randn(a.batch, 3, a.size, a.size, generator=g)
    with torch.no_grad():
        write_floats(x, os.path.join(a.out, "input.bin"))
        logits = model(x)
        write_floats(logits, os.path.join(a.out, "logits.bin"))
        for fmt, dtype, name in (("bf16", torch.bfloat16, "bf16.pth"), ("f16", torch.float16, "f16.safetensors")):
            if fmt not in formats:
                continue
            low = rounded(state, dtype)
            if name.endswith(".pth"):
                torch.save(low, os.path.join(a.out, name))
            else:
                write_safetensors(low, os.path.join(a.out, name))
            model.load_state_dict(rounded(low, torch.float32))
            write_floats(model(x), os.path.join(a.out, "logits-" + fmt + ".bin"))
    with open(os.path.join(a.out, "oracle.json"), "w") as f:
        json.dump({"model": a.model, "input": list(x.shape), "logits": list(logits.shape),
                   "torch": torch.__version__, "torchvision": torchvision.__version__}, f)


if __name__ == "__main__":
    sys.exit(main())
