#!/usr/bin/env python3
"""Large but valid sizes compile quickly and run correctly, through attn-run.

  big-sizes.py CASE [--attn-run PATH] [--examples DIR]

Each CASE rewrites modules of examples/variants to a large head dimension,
top_k or relative_clip, runs them on small sequences and checks the outputs
against the float64 reference of test/Integration/lib/reference.py. Prints
one `CASE/check: PASS` line per check and exits 0, or prints what differs
and exits 1.

attn-tile unrolls at most 16 vector chunks of a static dimension per loop
body (more go in blocks through a loop, plus a tail block) and keeps the
scratch of a work item on the stack up to 1 MiB (more goes on the heap);
the sizes below sit on both sides of those bounds:

Cases:
  head-dim  D = Dv = 512 (two blocks of 16 chunks) for scaled_dot, sigmoid,
            hard and multi_dimensional; 272 (a block and a tail of one
            chunk) for general; 4096 and 16384 for scaled_dot (2 and 8 MiB
            of scratch per work item: on the heap; 16384 used to overflow
            the stack of an OpenMP thread).
  topk      top_k = 3000 over 3500 keys (1.1 MiB of scratch: on the heap),
            and top_k = 8 with D = Dv = 512 (blocked epilogue).
  relative  relative_clip = 256 with D = Dv = 512 (blocked bucket table,
            bucket weights and value table) over keys past both clamps, and
            relative_clip = 4096 (2 MiB of bucket tables: on the heap).
"""

import argparse
import math
import os
import re
import shutil
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # keep the source tree clean under lit
REPO = os.path.normpath(os.path.join(HERE, "..", "..", "..", "..", ".."))
sys.path.insert(0, os.path.join(REPO, "test", "Integration", "lib"))
import reference as ref  # noqa: E402

sys.path.insert(0, HERE)
import numerics  # noqa: E402

F32_TOL = (1e-4, 1e-3)  # atol, rtol of shared/VARIANTS.md for f32


def resize(text, dim, rows=None, attrs=()):
    """The module text with every static size 64 (the examples' D, Dv and
    weight sizes) replaced by `dim`, the relative tables' 33 rows by `rows`,
    and (old, new) attribute texts replaced."""
    text = re.sub(r"(?<=[x<])64(?=x)", str(dim), text)
    if rows is not None:
        text = re.sub(r"(?<=<)33(?=x)", str(rows), text)
    for old, new in attrs:
        if old not in text:
            raise SystemExit(f"module has no {old!r}")
        text = text.replace(old, new)
    return text


class Runner(numerics.Runner):
    def run(self, variant, inputs, **resize_args):
        """Runs examples/variants/VARIANT.mlir, resized, on `inputs`;
        returns the output array."""
        with open(os.path.join(self.examples, variant + ".mlir")) as f:
            text = resize(f.read(), **resize_args)
        module = os.path.join(self.workdir, f"m{self.count + 1}.mlir")
        with open(module, "w") as f:
            f.write(text)
        return super().run(variant, inputs, module=module)

    def compare(self, name, out, expected):
        atol, rtol = F32_TOL
        if out.shape != expected.shape:
            return self.check(name, False, f"shape {out.shape}, expected "
                                            f"{expected.shape}")
        err = np.abs(out.astype(np.float64) - expected)
        ok = bool(np.all(np.isfinite(out))) and bool(
            np.all(err <= atol + rtol * np.abs(expected)))
        return self.check(name, ok, f"max abs err {err.max():.3e}")


def normal(rng, shape, scale=1.0):
    return (rng.standard_normal(shape) * scale).astype(np.float32)


def separated_qk(rng, B, H, Sq, Skv, D, k, scale=1.0):
    """q and k whose scaled dot scores (1/sqrt(D)) have a gap of at least
    1e-3 between the k-th and the (k+1)-th largest of every row, redrawn
    until they do: choices by score (hard, topk) then cannot change under
    f32 rounding, as VARIANTS.md asks of test inputs."""
    for _ in range(100):
        q = normal(rng, (B, H, Sq, D), scale)
        kk = normal(rng, (B, H, Skv, D))
        s = ref.dot_scores(q, kk) / math.sqrt(D)
        top = -np.sort(-s, axis=-1)
        if Skv <= k or np.all(top[..., k - 1] - top[..., k] >= 1e-3):
            return q, kk
    raise SystemExit("could not draw separated scores")


def case_head_dim(r, rng):
    B, H, Sq, Skv = 1, 4, 5, 37
    for variant, dim in (("scaled_dot", 512), ("scaled_dot", 4096),
                         ("scaled_dot", 16384), ("sigmoid", 512)):
        q, k, v = (normal(rng, (B, H, s, dim)) for s in (Sq, Skv, Skv))
        out = r.run(variant, [q, k, v], dim=dim)
        r.compare(f"head-dim/{variant}-{dim}", out,
                  ref.reference(variant, q, k, v))

    # general: q W k^T with scale 1, logits kept ~1 by the size of q.
    dim = 272
    q = normal(rng, (B, H, Sq, dim), 1.0 / math.sqrt(dim))
    k, v = (normal(rng, (B, H, Skv, dim)) for _ in range(2))
    W = normal(rng, (dim, dim), 1.0 / math.sqrt(dim))
    out = r.run("general", [q, k, v, W], dim=dim)
    r.compare(f"head-dim/general-{dim}", out,
              ref.reference("general", q, k, v, W))

    dim = 512
    q, k = separated_qk(rng, B, H, Sq, Skv, dim, 1)
    v = normal(rng, (B, H, Skv, dim))
    out = r.run("hard", [q, k, v], dim=dim)
    r.compare(f"head-dim/hard-{dim}", out, ref.reference("hard", q, k, v))

    q, k, v = (normal(rng, (B, H, s, dim)) for s in (Sq, Skv, Skv))
    W1, W2 = (normal(rng, (dim, dim), 1.0 / math.sqrt(dim)) for _ in range(2))
    b = normal(rng, (dim,))
    out = r.run("multi_dimensional", [q, k, v, W1, W2, b], dim=dim)
    r.compare(f"head-dim/multi_dimensional-{dim}", out,
              ref.reference("multi_dimensional", q, k, v, W1, W2, b))


def case_topk(r, rng):
    saved = ref.TOP_K
    try:
        for top_k, dim, B, H, Sq, Skv in ((3000, 64, 1, 4, 3, 3500),
                                          (8, 512, 1, 4, 5, 37)):
            ref.TOP_K = top_k
            # Logits ~10: the scores around the k-th are then far enough
            # apart to be drawn separated.
            q, k = separated_qk(rng, B, H, Sq, Skv, dim, top_k, scale=10.0)
            v = normal(rng, (B, H, Skv, dim))
            out = r.run("topk", [q, k, v], dim=dim,
                        attrs=[("top_k = 8 :", f"top_k = {top_k} :")])
            r.compare(f"topk/top_k-{top_k}-D-{dim}", out,
                      ref.reference("topk", q, k, v))
    finally:
        ref.TOP_K = saved


def case_relative(r, rng):
    saved = ref.REL_CLIP
    try:
        for clip, dim, Sq, Skv in ((256, 512, 40, 300), (4096, 64, 8, 40)):
            ref.REL_CLIP = clip
            rows = 2 * clip + 1
            B, H = 1, 4
            q, k, v = (normal(rng, (B, H, s, dim)) for s in (Sq, Skv, Skv))
            aK, aV = (normal(rng, (rows, dim)) for _ in range(2))
            out = r.run("relative_position", [q, k, v, aK, aV], dim=dim,
                        rows=rows,
                        attrs=[("relative_clip = 16 :",
                                f"relative_clip = {clip} :")])
            r.compare(f"relative/clip-{clip}-D-{dim}", out,
                      ref.reference("relative_position", q, k, v, aK, aV))
    finally:
        ref.REL_CLIP = saved


CASES = {"head-dim": case_head_dim, "topk": case_topk,
         "relative": case_relative}


def find_attn_run():
    found = shutil.which("attn-run")
    if found:
        return found
    return os.path.join(REPO, "build", "bin", "attn-run")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("case", choices=sorted(CASES))
    p.add_argument("--attn-run", dest="attn_run", default=None)
    p.add_argument("--examples",
                   default=os.path.join(REPO, "examples", "variants"))
    args = p.parse_args()
    workdir = tempfile.mkdtemp(prefix="attn-big-sizes-")
    try:
        r = Runner(args.attn_run or find_attn_run(), args.examples, workdir)
        CASES[args.case](r, np.random.default_rng(0))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 1 if r.failures else 0


if __name__ == "__main__":
    sys.exit(main())
