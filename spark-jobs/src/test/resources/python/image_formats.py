"""Writes the image formats real folders hold besides PNG/JPEG-RGB, with Debian's python3-pil (libjpeg,
libtiff, libwebp): one 24x16 picture, the left half red, the right half blue, the bottom four rows green."""
import sys
from pathlib import Path

from PIL import Image

out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
img = Image.new("RGB", (24, 16), (220, 30, 30))
img.paste((30, 30, 220), (12, 0, 24, 12))
img.paste((0, 200, 0), (0, 12, 24, 16))
img.convert("CMYK").save(out / "cmyk.jpg", quality=95)
img.save(out / "rgb.tiff", compression="tiff_lzw")  # LZW: the compression TIFF writers use most
img.convert("CMYK").save(out / "cmyk.tiff")
img.convert("L").save(out / "gray.tiff")
img.save(out / "lossless.webp", lossless=True)
img.save(out / "lossy.webp", quality=90)
