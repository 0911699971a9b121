"""Reference outputs from PyTorch for the Java parity tests (TorchParityTest).

usage: torch_oracle.py OUT_DIR CASE   where CASE is grouped_conv | resnext50_32x4d | seresnet50 | res2net50_26w_4s

Writes every tensor as raw little-endian float32 (C order) to OUT_DIR/<name>.bin and their shapes to
OUT_DIR/manifest.json. Weights are random (seeded), batch-norm running statistics are randomised so
that an identity batch norm cannot pass, and the networks run in eval mode.

resnext50_32x4d is torchvision's own model. seresnet50 and res2net50_26w_4s come from timm_layout.py
(oracle/ in the test resources, copied beside this script): torchvision's ResNet skeleton with blocks
written after timm's SE Bottleneck and the Res2Net paper's Bottle2neck, checked against timm's counts.
"""
import json
import os
import sys

import torch
import torch.nn as nn
from torchvision.models import resnet

import timm_layout


class Writer:
    def __init__(self, out_dir):
        self.out_dir = out_dir
        self.manifest = {}

    def put(self, name, t):
        a = t.detach().contiguous().to(torch.float32).numpy().astype('<f4')
        a.tofile(os.path.join(self.out_dir, name + '.bin'))
        self.manifest[name] = list(t.shape)

    def close(self):
        with open(os.path.join(self.out_dir, 'manifest.json'), 'w') as f:
            json.dump(self.manifest, f)


def grouped_conv(w):
    conv = nn.Conv2d(6, 9, kernel_size=3, stride=2, padding=1, groups=3, bias=True)
    x = torch.randn(2, 6, 7, 7, requires_grad=True)
    y = conv(x)
    upstream = torch.randn_like(y)
    y.backward(upstream)
    for name, t in [('x', x), ('weight', conv.weight), ('bias', conv.bias), ('y', y), ('upstream', upstream),
                    ('x_grad', x.grad), ('weight_grad', conv.weight.grad), ('bias_grad', conv.bias.grad)]:
        w.put(name, t)


def network(w, name):
    if name in timm_layout.NETWORKS:
        net = timm_layout.network(name)
    else:
        net = resnet.resnext50_32x4d()
        if sum(p.numel() for p in net.parameters()) != 25028904:
            sys.exit('torchvision\'s resnext50_32x4d does not have 25,028,904 parameters')
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.normal_(0, 0.1)
                m.running_var.uniform_(0.5, 1.5)
                m.weight.uniform_(0.5, 1.5)
                m.bias.normal_(0, 0.1)
    net.eval()
    features = {}
    net.avgpool.register_forward_hook(lambda mod, inp, out: features.update(avgpool=torch.flatten(out, 1)))
    x = torch.randn(2, 3, 64, 64)
    with torch.no_grad():
        logits = net(x)
    for key, t in net.state_dict().items():
        if not key.endswith('num_batches_tracked'):
            w.put('param.' + key, t)
    w.put('x', x)
    w.put('features', features['avgpool'])
    w.put('probabilities', torch.softmax(logits, 1))


def main():
    out_dir, case = sys.argv[1], sys.argv[2]
    torch.manual_seed(2024)
    w = Writer(out_dir)
    if case == 'grouped_conv':
        grouped_conv(w)
    else:
        network(w, case)
    w.close()


if __name__ == '__main__':
    main()
