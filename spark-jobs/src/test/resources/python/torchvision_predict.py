"""Test oracle: torchvision's own ImageNet evaluation pipeline on image files.

For each image listed (one path a line in --images): PIL opens it and converts it to RGB, then
Resize(256) and CenterCrop(224) (torchvision.transforms on the PIL image), ToTensor and Normalize
with ImageNet's mean and std; the torchvision model with the weights of --weights (a state dict, as
torchvision_resnet.py saves it) scores the batch in eval mode. Writes into --out:
  pixels-N.bin   the cropped image, uint8 HWC (RGB), before ToTensor
  probs.bin      softmax probabilities, float32 [images, classes], little-endian
"""
import argparse
import os
import sys

import numpy
import torch
import torchvision
from PIL import Image
from torchvision import transforms


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", required=True)
    p.add_argument("--weights", required=True)
    p.add_argument("--classes", type=int, required=True)
    p.add_argument("--images", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--resize", type=int, default=256)
    p.add_argument("--crop", type=int, default=224)
    a = p.parse_args()

    model = getattr(torchvision.models, a.model)(weights=None, num_classes=a.classes)
    model.load_state_dict(torch.load(a.weights))
    model.eval()
    geometry = transforms.Compose([transforms.Resize(a.resize), transforms.CenterCrop(a.crop)])
    to_input = transforms.Compose([transforms.ToTensor(),
                                   transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])
    with open(a.images) as f:
        paths = [line.strip() for line in f if line.strip()]
    batch = []
    for i, path in enumerate(paths):
        cropped = geometry(Image.open(path).convert("RGB"))
        with open(os.path.join(a.out, "pixels-%d.bin" % i), "wb") as f:
            f.write(numpy.asarray(cropped, dtype=numpy.uint8).tobytes())
        batch.append(to_input(cropped))
    with torch.no_grad():
        probs = torch.softmax(model(torch.stack(batch)), dim=1)
    with open(os.path.join(a.out, "probs.bin"), "wb") as f:
        f.write(probs.numpy().astype("<f4").tobytes())


if __name__ == "__main__":
    sys.exit(main())
