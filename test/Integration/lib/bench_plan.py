"""The shapes of the GPU benchmark (gpu_bench.py) and how their work is
counted. Pure Python and numpy: the pack (gpu_suite.py) reads the module
entries from here, and the FLOP counts are tested without a GPU.

Three tables, all bf16:

  prefill   FlashAttention's shapes: hidden 2048 (32 heads at D = 64, 16
            heads at D = 128), B = 16k / S tokens, S = 512 ... 16k, causal
            and not.
  decode    one query row (Sq = 1) against a long key/value cache: B = 8,
            32 query heads reading 8 key/value heads (GQA), D = 128,
            Skv = 4k ... 32k. Counted in bytes: K and V read once.
  variants  the masked and modified rows of shared/VARIANTS.md that
            FlexAttention can also express, at B = 4, 16 query heads,
            S = 4096, D = 64 (the examples' head dim), from
            examples/variants/NAME.mlir with more heads.

FLOPs of one attention: 4 B Hq Sq Skv D (Q K^T and P V), where Sq Skv
counts only the visible (query, key) pairs under a causal or window mask,
as docs/benchmarks.md does on the CPU.
"""

import numpy as np

import reference as ref

HIDDEN = 2048
TOKENS = 16 * 1024
SEQ_LENS = (512, 1024, 2048, 4096, 8192, 16384)
PREFILL_HEAD_DIMS = (64, 128)

DECODE = {"B": 8, "Hq": 32, "Hkv": 8, "D": 128}
DECODE_KV_LENS = (4096, 8192, 16384, 32768)

VARIANT_SHAPE = {"B": 4, "Hq": 16, "S": 4096, "D": 64}
# The rows of VARIANTS.md timed at VARIANT_SHAPE, in report order.
VARIANTS = ("scaled_dot", "causal", "gqa", "bias", "alibi", "softcap",
            "sliding_window", "relative_position")
# gqa: Hq = 4 Hkv (VARIANTS.md).
GQA_GROUP = 4

TABLES = ("prefill", "decode", "variants")
DTYPE = "bf16"


def visible_pairs(sq, skv, left=None, right=None):
    """Number of visible (query, key) pairs when key j is visible from row i
    iff i' - left <= j <= i' + right, with i' = i + Skv - Sq (bottom-right
    alignment, VARIANTS.md) and 0 <= j < Skv; None is no bound on that
    side. causal is right = 0; sliding_window is left = 64, right = 0."""
    ip = np.arange(sq, dtype=np.int64) + (skv - sq)
    lo = (np.zeros(sq, dtype=np.int64) if left is None
          else np.maximum(ip - left, 0))
    hi = (np.full(sq, skv - 1, dtype=np.int64) if right is None
          else np.minimum(ip + right, skv - 1))
    return int(np.maximum(hi - lo + 1, 0).sum())


# The key window of each variant's mask: (left, right) for visible_pairs.
WINDOWS = {"causal": (None, 0), "alibi": (None, 0),
           "sliding_window": (ref.SLIDING_WINDOW, 0)}


class Shape:
    """One benchmark point: `variant` (a VARIANTS.md row) with sizes B, Hq,
    Hkv, Sq, Skv, D, run by the packed module `entry`."""

    def __init__(self, table, variant, entry, B, Hq, Hkv, Sq, Skv, D):
        self.table, self.variant, self.entry = table, variant, entry
        self.B, self.Hq, self.Hkv = B, Hq, Hkv
        self.Sq, self.Skv, self.D = Sq, Skv, D

    @property
    def causal(self):
        return self.variant in ("causal", "alibi", "sliding_window")

    def pairs(self):
        """Visible (query, key) pairs of one (batch, head)."""
        left, right = WINDOWS.get(self.variant, (None, None))
        return visible_pairs(self.Sq, self.Skv, left, right)

    def flops(self):
        return 4 * self.B * self.Hq * self.pairs() * self.D

    def kv_bytes(self):
        """Bytes of K and V, each read once (bf16: 2 bytes)."""
        return 2 * self.B * self.Hkv * self.Skv * self.D * 2

    def label(self):
        if self.table == "prefill":
            return (f"{'causal' if self.causal else 'scaled_dot'} D={self.D} "
                    f"S={self.Sq}")
        if self.table == "decode":
            return f"Skv={self.Skv}"
        return self.variant

    def sizes(self):
        return (f"B={self.B} Hq={self.Hq} Hkv={self.Hkv} Sq={self.Sq} "
                f"Skv={self.Skv} D={self.D}")

    def as_dict(self):
        return {"table": self.table, "variant": self.variant,
                "entry": self.entry, "B": self.B, "Hq": self.Hq,
                "Hkv": self.Hkv, "Sq": self.Sq, "Skv": self.Skv, "D": self.D,
                "pairs": self.pairs(), "flops": self.flops(),
                "kv_bytes": self.kv_bytes()}


# ---------------------------------------------------------------------------
# The packed modules (gpu_suite.py builds them; ids are stable, the report
# and DIR/run --only name them).
# ---------------------------------------------------------------------------

def prefill_entry(causal, d):
    return (f"bench_{'causal' if causal else 'scaled_dot'}_{DTYPE}"
            f"_h{HIDDEN // d}_d{d}")


# The prefill modules also come compiled with a query tile of 128 rows:
# on sm_90a two compute warpgroups that take turns at the tensor cores
# (ping-pong) where the default 64 rows give one that overlaps its softmax
# with its own MMAs; on the other chips eight warps instead of four. The
# report times them as the column ALT_KERNEL of the prefill table.
ALT_QUERY_TILE = 128
ALT_KERNEL = f"attn (query tile {ALT_QUERY_TILE})"


def alt_prefill_entry(causal, d):
    return f"{prefill_entry(causal, d)}_qt{ALT_QUERY_TILE}"


def decode_entry():
    return (f"bench_decode_{DTYPE}_h{DECODE['Hq']}kv{DECODE['Hkv']}"
            f"_d{DECODE['D']}")


def variant_entry(name):
    return f"bench_{name}_{DTYPE}_h{VARIANT_SHAPE['Hq']}_d{VARIANT_SHAPE['D']}"


def variant_heads(name):
    """(Hq, Hkv) of a variant at VARIANT_SHAPE."""
    hq = VARIANT_SHAPE["Hq"]
    return hq, hq // GQA_GROUP if name == "gqa" else hq


def shapes(tables=TABLES, seq_lens=SEQ_LENS, kv_lens=DECODE_KV_LENS):
    """Every benchmark point of `tables`, in report order."""
    out = []
    if "prefill" in tables:
        for d in PREFILL_HEAD_DIMS:
            for causal in (False, True):
                for s in seq_lens:
                    h = HIDDEN // d
                    out.append(Shape("prefill",
                                     "causal" if causal else "scaled_dot",
                                     prefill_entry(causal, d), TOKENS // s, h,
                                     h, s, s, d))
    if "decode" in tables:
        for skv in kv_lens:
            out.append(Shape("decode", "gqa", decode_entry(), DECODE["B"],
                             DECODE["Hq"], DECODE["Hkv"], 1, skv,
                             DECODE["D"]))
    if "variants" in tables:
        v = VARIANT_SHAPE
        for name in VARIANTS:
            hq, hkv = variant_heads(name)
            out.append(Shape("variants", name, variant_entry(name), v["B"],
                             hq, hkv, v["S"], v["S"], v["D"]))
    return out
