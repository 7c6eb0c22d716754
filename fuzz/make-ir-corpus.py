#!/usr/bin/env python3
"""Regenerates fuzz/corpus/ir, the seeds of attn-fuzz-ir, from the examples
and the lit tests: comments stripped, split at `// -----` (or at top-level
functions), deduplicated, chunks of 20..3000 bytes. Run from the repository
root: python3 fuzz/make-ir-corpus.py
"""
import glob, hashlib, os, re
for old in glob.glob("fuzz/corpus/ir/*.mlir"):
    os.remove(old)
out = "fuzz/corpus/ir"
srcs = sorted(glob.glob("examples/variants/*.mlir")) + sorted(glob.glob("test/Integration/CPU/Inputs/*.mlir")) + \
  ["test/Dialect/Attn/ops.mlir", "test/Dialect/Attn/invalid.mlir", "test/Dialect/Attn/canonicalize.mlir",
   "test/Conversion/AttnToLoops/attn-tile.mlir", "test/Conversion/AttnToLoops/attn-tile-errors.mlir",
   "test/Dialect/Attn/Transforms/attn-abi-signature.mlir", "test/Tools/attn-run/Inputs/attention.mlir",
   "test/Dialect/Attn/structure-ops.mlir", "test/Dialect/Attn/structure-invalid.mlir",
   "test/Dialect/Attn/Transforms/attn-decompose.mlir", "test/Conversion/AttnToLoops/attn-tile-scores.mlir",
   "test/Conversion/AttnToLoops/attn-tile-normalizers.mlir", "test/Conversion/AttnToLoops/attn-tile-positions.mlir",
   "test/Dialect/Attn/gate-ops.mlir", "test/Dialect/Attn/gate-invalid.mlir",
   "test/Dialect/Attn/vision-ops.mlir", "test/Dialect/Attn/vision-invalid.mlir",
   "test/Dialect/Attn/Transforms/attn-decompose-gates.mlir",
   "test/Dialect/Attn/Transforms/attn-decompose-vision.mlir"]
def strip(text):
    lines = []
    for l in text.splitlines():
        s = l.strip()
        if s.startswith("//") and not s.startswith("// -----"):
            continue
        l = re.sub(r"\s+//.*$", "", l) if "//" in l and '"' not in l else l
        lines.append(l.rstrip())
    return "\n".join(lines)
def chunks(text):
    if "// -----" in text:
        return text.split("// -----")
    # split at top-level func.func / module boundaries
    parts, cur = [], []
    for l in text.splitlines():
        if (l.startswith("func.func") or l.startswith("module")) and cur and any(x.strip() for x in cur):
            parts.append("\n".join(cur)); cur = []
        cur.append(l)
    parts.append("\n".join(cur))
    return parts
seen = set(); n = 0
for src in srcs:
    for c in chunks(strip(open(src).read())):
        c = re.sub(r"\n{2,}", "\n", c).strip() + "\n"
        if len(c) < 20 or len(c) > 3000: continue
        h = hashlib.sha1(c.encode()).hexdigest()[:12]
        if h in seen: continue
        seen.add(h)
        base = os.path.splitext(os.path.basename(src))[0]
        open(os.path.join(out, f"{base}-{h}.mlir"), "w").write(c); n += 1
print(f"{n} seeds in {out}")
