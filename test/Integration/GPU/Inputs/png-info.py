"""Prints the size of a PNG that the GPU benchmark's chart writer made and
how many of its pixels have each colour given as R,G,B:

  png-info.py LIB_DIR FILE.png R,G,B ...

LIB_DIR is test/Integration/lib (png_chart.read_png checks the signature
and every chunk's CRC)."""

import sys

sys.dont_write_bytecode = True
sys.path.insert(0, sys.argv[1])
from png_chart import read_png  # noqa: E402

width, height, rgb = read_png(sys.argv[2])
print(f"size {width}x{height}")
pixels = [tuple(rgb[i:i + 3]) for i in range(0, len(rgb), 3)]
for arg in sys.argv[3:]:
    color = tuple(int(c) for c in arg.split(","))
    print(f"{arg}: {sum(p == color for p in pixels)} pixels")
