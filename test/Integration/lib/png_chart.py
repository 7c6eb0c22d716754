"""Line charts as PNG files, in plain Python (zlib and struct), so that the
GPU benchmark draws its chart on a machine with neither matplotlib nor
MLIR. Labels use the runtime's 5x7 bitmap font, read from its source
(lib/Runtime/BitmapFont.cpp, packed with the runtime) so that there is
one copy of it; without that file the chart has no text.

  chart = Chart(1000, 700)
  chart.panel(x, y, w, h, title, xs, series, hlines, xlabel, ylabel, ymax)
  chart.legend(x, y, [(name, color)])
  chart.save("out.png")
"""

import math
import os
import re
import struct
import zlib

from attn_runner import REPO_ROOT

FONT_SOURCE = os.path.join(REPO_ROOT, "lib", "Runtime", "BitmapFont.cpp")
GLYPH_W, GLYPH_H, ADVANCE = 5, 7, 6
# One glyph of kGlyphs: {0x.., ... 7 rows}.
GLYPH_ROWS = r"\{((?:0x[0-9A-Fa-f]{2},\s*){6}0x[0-9A-Fa-f]{2})\}"

WHITE = (255, 255, 255)
BLACK = (0, 0, 0)
GRID = (225, 225, 225)
AXIS = (90, 90, 90)
# Series colours, in order (distinct in colour and in grey).
PALETTE = [(31, 78, 180), (230, 120, 20), (40, 150, 60), (150, 60, 170),
           (200, 40, 40), (120, 120, 120)]

_font = None


def font():
    """{char: 7 row bitmaps} from the runtime's font, or {} without it."""
    global _font
    if _font is None:
        _font = {}
        try:
            with open(FONT_SOURCE) as f:
                rows = re.findall(GLYPH_ROWS, f.read())
        except OSError:
            rows = []
        if len(rows) == 95:   # printable ASCII, space to '~'
            for n, row in enumerate(rows):
                _font[chr(32 + n)] = [int(b, 16) for b in row.split(",")]
    return _font


def text_width(text, scale=1):
    return max(len(text) * ADVANCE - 1, 0) * scale


def nice_step(span, ticks=5):
    """A tick step of 1, 2 or 5 times a power of ten, about span / ticks."""
    raw = span / ticks if span > 0 else 1.0
    base = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if m * base >= raw:
            return m * base
    return 10 * base


class Chart:
    def __init__(self, width, height):
        self.w, self.h = width, height
        self.pix = bytearray(WHITE * (width * height))

    def dot(self, x, y, color):
        x, y = int(round(x)), int(round(y))
        if 0 <= x < self.w and 0 <= y < self.h:
            i = 3 * (y * self.w + x)
            self.pix[i:i + 3] = bytes(color)

    def rect(self, x, y, w, h, color):
        for yy in range(int(y), int(y + h)):
            for xx in range(int(x), int(x + w)):
                self.dot(xx, yy, color)

    def line(self, x0, y0, x1, y1, color, width=1, dash=0):
        """A segment `width` pixels thick; `dash` > 0 draws dash-long
        strokes with gaps as long."""
        n = int(max(abs(x1 - x0), abs(y1 - y0))) + 1
        r = (width - 1) / 2.0
        for s in range(n):
            if dash and (s // dash) % 2:
                continue
            t = s / max(n - 1, 1)
            x, y = x0 + t * (x1 - x0), y0 + t * (y1 - y0)
            for dx in range(-int(r), int(math.ceil(r)) + 1):
                for dy in range(-int(r), int(math.ceil(r)) + 1):
                    self.dot(x + dx, y + dy, color)

    def text(self, x, y, text, color=BLACK, scale=1):
        glyphs = font()
        for c in text:
            rows = glyphs.get(c, glyphs.get("?"))
            if rows:
                for ry, bits in enumerate(rows):
                    for rx in range(GLYPH_W):
                        if bits & (1 << (GLYPH_W - 1 - rx)):
                            self.rect(x + rx * scale, y + ry * scale, scale,
                                      scale, color)
            x += ADVANCE * scale

    def panel(self, x, y, w, h, title, xs, series, hlines=(), xlabel="",
              ylabel="", ymax=None):
        """A line plot in the box (x, y, w, h): `xs` evenly spaced (their
        labels under the axis), `series` [(name, color, [y or None])],
        `hlines` [(label, value, color, dash)] across the plot."""
        left, bottom, top, right = 52, 34, 20, 10
        px, py = x + left, y + top
        pw, ph = w - left - right, h - top - bottom
        values = [v for _, _, ys in series for v in ys if v is not None]
        values += [v for _, v, _, _ in hlines if v is not None]
        ymax = ymax or (max(values) * 1.08 if values else 1.0)
        step = nice_step(ymax)

        def to_y(v):
            return py + ph - v / ymax * ph

        def to_x(i):
            return px + (i + 0.5) * pw / max(len(xs), 1)
        self.text(x + (w - text_width(title)) // 2, y + 4, title)
        tick = 0.0
        while tick <= ymax + 1e-9:
            yy = to_y(tick)
            self.line(px, yy, px + pw, yy, GRID)
            label = f"{tick:g}"
            self.text(px - 6 - text_width(label), yy - 3, label, AXIS)
            tick += step
        self.line(px, py, px, py + ph, AXIS)
        self.line(px, py + ph, px + pw, py + ph, AXIS)
        for i, xv in enumerate(xs):
            label = str(xv)
            self.line(to_x(i), py + ph, to_x(i), py + ph + 3, AXIS)
            self.text(to_x(i) - text_width(label) // 2, py + ph + 6, label,
                      AXIS)
        if xlabel:
            self.text(px + (pw - text_width(xlabel)) // 2, py + ph + 18,
                      xlabel, AXIS)
        if ylabel:
            self.text(x + 2, py - 14, ylabel, AXIS)
        for label, value, color, dash in hlines:
            if value is None or value > ymax:
                continue
            self.line(px, to_y(value), px + pw, to_y(value), color, 1, dash)
            self.text(px + pw - text_width(label) - 2, to_y(value) - 10,
                      label, color)
        for _, color, ys in series:
            points = [(to_x(i), to_y(v)) for i, v in enumerate(ys)
                      if v is not None]
            for (xa, ya), (xb, yb) in zip(points, points[1:]):
                self.line(xa, ya, xb, yb, color, 2)
            for xa, ya in points:
                self.rect(xa - 2, ya - 2, 5, 5, color)

    def legend(self, x, y, entries, dashed=()):
        """One row of (name, color) swatches; names in `dashed` drawn as
        dashed lines (the peak lines)."""
        for name, color in entries:
            self.line(x, y + 3, x + 18, y + 3, color, 2,
                      4 if name in dashed else 0)
            self.text(x + 24, y, name, color)
            x += 24 + text_width(name) + 18

    def png(self):
        raw = b"".join(b"\x00" + bytes(self.pix[3 * self.w * r:
                                               3 * self.w * (r + 1)])
                       for r in range(self.h))

        def chunk(kind, data):
            return (struct.pack(">I", len(data)) + kind + data
                    + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
        return (b"\x89PNG\r\n\x1a\n"
                + chunk(b"IHDR", struct.pack(">IIBBBBB", self.w, self.h, 8, 2,
                                             0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw, 9))
                + chunk(b"IEND", b""))

    def save(self, path):
        with open(path, "wb") as f:
            f.write(self.png())


def read_png(path):
    """(width, height, rgb bytes) of a PNG that Chart wrote (8-bit RGB, no
    filters); checks the signature and every chunk's CRC. For tests."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG file")
    pos, idat, size = 8, b"", None
    while pos < len(data):
        (n,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]
        (crc,) = struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])
        if zlib.crc32(kind + body) & 0xFFFFFFFF != crc:
            raise ValueError(f"bad CRC in chunk {kind!r}")
        if kind == b"IHDR":
            size = struct.unpack(">II", body[:8])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    w, h = size
    raw = zlib.decompress(idat)
    rows = [raw[r * (3 * w + 1) + 1:(r + 1) * (3 * w + 1)] for r in range(h)]
    return w, h, b"".join(rows)
