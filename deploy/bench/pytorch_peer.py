#!/usr/bin/env python3
"""The PyTorch peer of `resnet-spark benchmark`: the same model, input, batch and optimizer, timed the
same way (median seconds per iteration after warm-up), printed as one JSON object.

  /usr/bin/python3 deploy/bench/pytorch_peer.py --what train --model resnet18 --input 3x32x32 --batch 64

Debian: apt-get install python3-torch python3-torchvision libopenblas0-pthread. The small stem
(3x3 stride 1 convolution, no max pool) is used below 112 px, as resnet-spark's model.stem=auto does.
--model takes any torchvision classification name of the family (resnet50, resnext50_32x4d,
wide_resnet50_2, ...); torchvision has no SE-ResNet or Res2Net, so those have no peer here.
"""
import argparse
import json
import os
import statistics
import time

import torch
import torchvision


def build(name, classes, channels, size):
    model = getattr(torchvision.models, name)(num_classes=classes)
    if size < 112:
        model.conv1 = torch.nn.Conv2d(channels, 64, kernel_size=3, stride=1, padding=1, bias=False)
        model.maxpool = torch.nn.Identity()
    elif channels != 3:
        model.conv1 = torch.nn.Conv2d(channels, 64, kernel_size=7, stride=2, padding=3, bias=False)
    return model


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--what", default="train", choices=["train", "infer"])
    p.add_argument("--model", default="resnet18")
    p.add_argument("--input", default="3x32x32")
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--classes", type=int, default=10)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--iters", type=int, default=10)
    # all cores: torch's own default can undercount them (1 thread on a 2-vCPU VM, measured)
    p.add_argument("--threads", type=int, default=os.cpu_count())
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    c, h, w = (int(v) for v in a.input.split("x"))
    model = build(a.model, a.classes, c, h)
    x = torch.randn(a.batch, c, h, w)
    y = torch.arange(a.batch) % a.classes
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, nesterov=True)
    loss_fn = torch.nn.CrossEntropyLoss()

    def step():
        if a.what == "train":
            model.train()
            opt.zero_grad()
            loss_fn(model(x), y).backward()
            opt.step()
        else:
            model.eval()
            with torch.no_grad():
                model(x)

    for _ in range(a.warmup):
        step()
    secs = []
    for _ in range(a.iters):
        t0 = time.perf_counter()
        step()
        secs.append(time.perf_counter() - t0)
    med = statistics.median(secs)
    print(json.dumps({
        "peer": "pytorch", "torch": torch.__version__, "mkldnn": torch.backends.mkldnn.is_available(),
        "threads": torch.get_num_threads(), "what": a.what, "model": a.model, "input": a.input,
        "batch": a.batch, "images_per_sec": round(a.batch / med, 3),
        "images_per_sec_min": round(a.batch / max(secs), 3), "images_per_sec_max": round(a.batch / min(secs), 3),
        "seconds_per_iter": round(med, 3), "iterations": a.iters, "machine": machine(),
    }))


def machine():
    """CPU model and widest vector ISA, named as the DL4J benchmark names them."""
    model, flags = "unknown", []
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name") and model == "unknown":
                    model = line.split(":", 1)[1].strip()
                elif line.startswith("flags") and not flags:
                    flags = line.split(":", 1)[1].split()
    except OSError:
        pass
    isa = ("AVX-512 (bf16)" if "avx512_bf16" in flags else "AVX-512") if "avx512f" in flags else \
        "AVX2" if "avx2" in flags else "AVX" if "avx" in flags else "unknown"
    return {"cores": os.cpu_count(), "cpu": model, "isa": isa}


if __name__ == "__main__":
    main()
