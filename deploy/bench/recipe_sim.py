# Recipe calibration for the Fashion-MNIST configs in conf/ (not part of the product): simulates
# resnet-spark's parameter-averaging training (W workers, weights + BN statistics + optimizer state
# averaged every F minibatches, per-epoch cosine lr, pad-crop + flip) of the CIFAR ResNets / ResNet-18
# small stem on a GPU, printing test top-1 per epoch, so recipes can be compared in minutes before the
# long CPU runs. How the configs' figures were taken (one process per line, on one GPU):
#   python3 deploy/bench/recipe_sim.py --data /usr/share/datasets/fashion-mnist --depth 20 --epochs 20 --flip 0
#   python3 deploy/bench/recipe_sim.py --data /usr/share/datasets/fashion-mnist --depth 18 --epochs 30
import argparse, gzip, json, math, time, sys, os
import numpy as np, torch, torch.nn as nn, torch.nn.functional as F

def idx(path):
    with gzip.open(path, 'rb') as f:
        data = f.read()
    nd = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], 'big') for i in range(nd)]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * nd).reshape(dims)

class Block(nn.Module):
    def __init__(s, cin, cout, stride, residual, shortcut):
        super().__init__()
        s.c1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False); s.b1 = nn.BatchNorm2d(cout)
        s.c2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False); s.b2 = nn.BatchNorm2d(cout)
        s.residual = residual; s.proj = None; s.padA = None
        if residual and (stride != 1 or cin != cout):
            if shortcut == 'A':
                s.padA = (stride, cout - cin)
            else:
                s.proj = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))
    def forward(s, x):
        o = F.relu(s.b1(s.c1(x))); o = s.b2(s.c2(o))
        if s.residual:
            if s.proj is not None: sc = s.proj(x)
            elif s.padA is not None:
                st, extra = s.padA; sc = x[:, :, ::st, ::st]; sc = F.pad(sc, (0, 0, 0, 0, 0, extra))
            else: sc = x
            o = o + sc
        return F.relu(o)

class Net(nn.Module):
    def __init__(s, depth, residual=True, shortcut='B', width=16, classes=10):
        super().__init__()
        if depth == 18:
            width, widths, counts = 64, [64, 128, 256, 512], [2, 2, 2, 2]
        else:
            n = (depth - 2) // 6; widths, counts = [width, width * 2, width * 4], [n, n, n]
        s.stem = nn.Sequential(nn.Conv2d(1, width, 3, 1, 1, bias=False), nn.BatchNorm2d(width), nn.ReLU())
        layers = []; cin = width
        for i, w in enumerate(widths):
            for b in range(counts[i]):
                layers.append(Block(cin, w, 2 if (b == 0 and i > 0) else 1, residual, shortcut)); cin = w
        s.layers = nn.Sequential(*layers); s.fc = nn.Linear(cin, classes)
        for m in s.modules():
            if isinstance(m, nn.Conv2d): nn.init.kaiming_normal_(m.weight, mode='fan_out', nonlinearity='relu')
    def forward(s, x):
        x = s.layers(s.stem(x)); return s.fc(x.mean((2, 3)))

def augment(x, pad, flip, g):
    B, C, H, W = x.shape
    if pad:
        xp = F.pad(x, (pad, pad, pad, pad))
        oy = torch.randint(0, 2 * pad + 1, (B,), device=x.device, generator=g)
        ox = torch.randint(0, 2 * pad + 1, (B,), device=x.device, generator=g)
        rows = (oy[:, None] + torch.arange(H, device=x.device)[None]).view(B, 1, H, 1).expand(B, C, H, W + 2 * pad)
        xp = torch.gather(xp, 2, rows)
        cols = (ox[:, None] + torch.arange(W, device=x.device)[None]).view(B, 1, 1, W).expand(B, C, H, W)
        x = torch.gather(xp, 3, cols)
    if flip > 0:
        m = torch.rand(B, device=x.device, generator=g) < flip
        x = torch.where(m[:, None, None, None], x.flip(3), x)
    return x

def main():
    p = argparse.ArgumentParser()
    p.add_argument('--depth', type=int, default=20); p.add_argument('--plain', action='store_true')
    p.add_argument('--shortcut', default='B'); p.add_argument('--opt', default='sgd')
    p.add_argument('--lr', type=float, default=0.1); p.add_argument('--wd', type=float, default=5e-4)
    p.add_argument('--epochs', type=int, default=20); p.add_argument('--batch', type=int, default=128)
    p.add_argument('--workers', type=int, default=2); p.add_argument('--freq', type=int, default=8)
    p.add_argument('--pad', type=int, default=2); p.add_argument('--flip', type=float, default=0.5)
    p.add_argument('--val', type=float, default=0.1); p.add_argument('--warmup', type=int, default=0)
    p.add_argument('--tag', default=''); p.add_argument('--seed', type=int, default=1)
    p.add_argument('--data', default='/usr/share/datasets/fashion-mnist')
    a = p.parse_args()
    dev = 'cuda'; torch.manual_seed(a.seed); g = torch.Generator(device=dev); g.manual_seed(a.seed)
    d = a.data
    xtr = idx(f'{d}/train-images-idx3-ubyte.gz'); ytr = idx(f'{d}/train-labels-idx1-ubyte.gz')
    xte = idx(f'{d}/t10k-images-idx3-ubyte.gz'); yte = idx(f'{d}/t10k-labels-idx1-ubyte.gz')
    rng = np.random.RandomState(0); perm = rng.permutation(len(xtr)); nval = int(len(xtr) * a.val)
    tr = perm[nval:]
    mean, std = 0.2860, 0.3530
    X = ((torch.tensor(xtr[tr], dtype=torch.float32, device=dev) / 255 - mean) / std)[:, None]
    Y = torch.tensor(ytr[tr].astype(np.int64), device=dev)
    XT = ((torch.tensor(xte, dtype=torch.float32, device=dev) / 255 - mean) / std)[:, None]
    YT = torch.tensor(yte.astype(np.int64), device=dev)
    reps = [Net(a.depth, not a.plain, a.shortcut).to(dev) for _ in range(a.workers)]
    for r in reps[1:]: r.load_state_dict(reps[0].state_dict())
    def opt(m):
        if a.opt == 'sgd': return torch.optim.SGD(m.parameters(), lr=a.lr, momentum=0.9, nesterov=True, weight_decay=a.wd)
        if a.opt == 'adam': return torch.optim.Adam(m.parameters(), lr=a.lr, weight_decay=a.wd)
        return torch.optim.AdamW(m.parameters(), lr=a.lr, weight_decay=a.wd)
    opts = [opt(r) for r in reps]
    def lr_at(e):
        if a.warmup and e < a.warmup: return a.lr * (e + 1) / (a.warmup + 1)
        return a.lr * 0.5 * (1 + math.cos(math.pi * e / a.epochs))
    def average():
        with torch.no_grad():
            sds = [r.state_dict() for r in reps]
            for k, v in sds[0].items():
                if v.dtype.is_floating_point:
                    m = sum(s[k] for s in sds) / len(sds)
                    for s in sds: s[k].copy_(m)
            for group in zip(*[o.state_dict()['state'].values() for o in opts]):
                for k in group[0]:
                    if torch.is_tensor(group[0][k]) and group[0][k].dtype.is_floating_point and group[0][k].dim() > 0:
                        m = sum(st[k] for st in group) / len(group)
                        for st in group: st[k].copy_(m)
    hist = []; t0 = time.time(); steps = 0
    for e in range(a.epochs):
        for o in opts:
            for pg in o.param_groups: pg['lr'] = lr_at(e)
        order = torch.randperm(len(X), device=dev, generator=g)
        per = len(X) // a.workers
        nb = per // a.batch
        for r in reps: r.train()
        for b in range(nb):
            for w, (r, o) in enumerate(zip(reps, opts)):
                ix = order[w * per + b * a.batch: w * per + (b + 1) * a.batch]
                x = augment(X[ix], a.pad, a.flip, g)
                loss = F.cross_entropy(r(x), Y[ix]); o.zero_grad(set_to_none=True); loss.backward(); o.step()
            steps += 1
            if steps % a.freq == 0 and a.workers > 1: average()
        if a.workers > 1: average()
        m = reps[0]; m.eval(); correct = 0
        with torch.no_grad():
            for i in range(0, len(XT), 1000):
                correct += (m(XT[i:i + 1000]).argmax(1) == YT[i:i + 1000]).sum().item()
        hist.append(round(correct / len(XT), 4))
        print(json.dumps({'tag': a.tag, 'epoch': e + 1, 'test_top1': hist[-1], 'sec': round(time.time() - t0)}), flush=True)
    print(json.dumps({'tag': a.tag, 'args': vars(a), 'test_top1': hist, 'best': max(hist), 'final': hist[-1], 'sec': round(time.time() - t0)}), flush=True)

if __name__ == '__main__':
    main()
