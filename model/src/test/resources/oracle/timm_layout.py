"""SE-ResNet and Res2Net as torch modules with timm's state-dict layout, for the parity oracles.

timm is not packaged in Debian (and PyPI is out of reach here), so these blocks are written after timm's
SE Bottleneck (timm/models/resnet.py with attn_layer='se', SEModule in timm/layers/squeeze_excite.py) and
the Res2Net paper's Bottle2neck (https://github.com/gasvn/Res2Net, which timm's res2net.py adapts), inside
torchvision's ResNet skeleton, whose stem, stage, downsample and fc names timm's ResNet shares. The keys
are timm's: layerS.B.se.fc1/fc2 (1x1 convs with bias), layerS.B.convs.i / bns.i. The parameter counts
below are timm's published ones; network() refuses to build a model that misses them.
"""
import math

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


# name -> (builder taking num_classes, timm's trainable parameter count at 1000 classes)
NETWORKS = {
    'seresnet50': (lambda classes: resnet.ResNet(SEBottleneck, [3, 4, 6, 3], num_classes=classes), 28088024),
    'seresnet101': (lambda classes: resnet.ResNet(SEBottleneck, [3, 4, 23, 3], num_classes=classes), 49326872),
    'res2net50_26w_4s': (lambda classes: resnet.ResNet(Bottle2neck, [3, 4, 6, 3], width_per_group=26,
                                                       num_classes=classes), 25699120),
    'res2net101_26w_4s': (lambda classes: resnet.ResNet(Bottle2neck, [3, 4, 23, 3], width_per_group=26,
                                                        num_classes=classes), 45206688),
}


def network(name, classes=1000):
    """timm's network of that name, checked against timm's parameter count when classes is 1000."""
    build, expected = NETWORKS[name]
    net = build(classes)
    count = sum(p.numel() for p in net.parameters())
    if classes == 1000 and count != expected:
        raise SystemExit('%s has %d parameters here, timm has %d' % (name, count, expected))
    return net
