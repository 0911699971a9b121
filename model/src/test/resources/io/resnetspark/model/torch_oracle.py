"""Reference outputs from PyTorch for the Java parity tests (TorchParityTest).

usage: torch_oracle.py OUT_DIR CASE   where CASE is grouped_conv | resnext50_32x4d | seresnet50 | res2net50_26w_4s

Writes every tensor as raw little-endian float32 (C order) to OUT_DIR/<name>.bin and their shapes to
OUT_DIR/manifest.json. Weights are random (seeded), batch-norm running statistics are randomised so
that an identity batch norm cannot pass, and the networks run in eval mode.

resnext50_32x4d is torchvision's own model. seresnet50 and res2net50_26w_4s are torchvision's ResNet
skeleton (same stem, stage and fc names) with the blocks written here after timm's SE Bottleneck and
the Res2Net paper's Bottle2neck; their parameter counts are checked against timm's published ones.
"""
import json
import math
import os
import sys

import torch
import torch.nn as nn
from torchvision.models import resnet


def make_divisible(v, divisor=8):
    # timm's make_divisible with round_limit=0, as its SEModule calls it
    return max(divisor, int(v + divisor / 2) // divisor * divisor)


class SEModule(nn.Module):
    def __init__(self, channels):
        super().__init__()
        rd = make_divisible(channels / 16)
        self.fc1 = nn.Conv2d(channels, rd, kernel_size=1, bias=True)
        self.act = nn.ReLU(inplace=True)
        self.fc2 = nn.Conv2d(rd, channels, kernel_size=1, bias=True)
        self.gate = nn.Sigmoid()

    def forward(self, x):
        s = x.mean((2, 3), keepdim=True)
        return x * self.gate(self.fc2(self.act(self.fc1(s))))


class SEBottleneck(resnet.Bottleneck):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.se = SEModule(self.bn3.num_features)

    def forward(self, x):
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.se(self.bn3(self.conv3(out)))
        if self.downsample is not None:
            identity = self.downsample(x)
        return self.relu(out + identity)


class Bottle2neck(nn.Module):
    expansion = 4

    def __init__(self, inplanes, planes, stride=1, downsample=None, groups=1, base_width=26, dilation=1,
                 norm_layer=None, scale=4):
        super().__init__()
        width = int(math.floor(planes * (base_width / 64.0)))
        self.conv1 = nn.Conv2d(inplanes, width * scale, kernel_size=1, bias=False)
        self.bn1 = nn.BatchNorm2d(width * scale)
        self.nums = 1 if scale == 1 else scale - 1
        # torchvision's _make_layer gives a downsample to exactly the stage-opening blocks
        self.stype = 'stage' if downsample is not None else 'normal'
        if self.stype == 'stage':
            self.pool = nn.AvgPool2d(kernel_size=3, stride=stride, padding=1)
        self.convs = nn.ModuleList([nn.Conv2d(width, width, kernel_size=3, stride=stride, padding=1, bias=False)
                                    for _ in range(self.nums)])
        self.bns = nn.ModuleList([nn.BatchNorm2d(width) for _ in range(self.nums)])
        self.conv3 = nn.Conv2d(width * scale, planes * self.expansion, kernel_size=1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes * self.expansion)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample
        self.scale = scale
        self.width = width

    def forward(self, x):
        residual = x
        out = self.relu(self.bn1(self.conv1(x)))
        spx = torch.split(out, self.width, 1)
        for i in range(self.nums):
            sp = spx[i] if i == 0 or self.stype == 'stage' else sp + spx[i]
            sp = self.relu(self.bns[i](self.convs[i](sp)))
            out = sp if i == 0 else torch.cat((out, sp), 1)
        if self.scale != 1 and self.stype == 'normal':
            out = torch.cat((out, spx[self.nums]), 1)
        elif self.scale != 1 and self.stype == 'stage':
            out = torch.cat((out, self.pool(spx[self.nums])), 1)
        out = self.bn3(self.conv3(out))
        if self.downsample is not None:
            residual = self.downsample(x)
        return self.relu(out + residual)


NETWORKS = {
    'resnext50_32x4d': (lambda: resnet.resnext50_32x4d(), 25028904),
    'seresnet50': (lambda: resnet.ResNet(SEBottleneck, [3, 4, 6, 3]), 28088024),
    'res2net50_26w_4s': (lambda: resnet.ResNet(Bottle2neck, [3, 4, 6, 3], width_per_group=26), 25699120),
}


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
    build, expected = NETWORKS[name]
    net = build()
    count = sum(p.numel() for p in net.parameters())
    if count != expected:
        sys.exit('%s has %d parameters here, the reference has %d' % (name, count, expected))
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
