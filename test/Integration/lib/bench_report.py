"""The GPU benchmark's report: Markdown tables (ready for docs/gpu.md) and a
PNG chart, from the results that gpu_bench.py measures (or from its JSON
file: `gpu_bench.py report RESULTS.json`). No torch, no GPU.

Results (a dict, the JSON file):
  info   date, gpu, chip, torch, cuda, compiler, repeat
  peak   matmul_tflops and copy_gbs measured in the same run (None if not
         measured), nominal: {name, tflops, hbm_gbs} or None
  rows   one per shape: bench_plan.Shape.as_dict() plus label, ms {who:
         median ms} for "attn" and each peer that ran, skipped {peer:
         reason}, diff {peer: max |attn - peer|}
  checks [{variant, who, max_err, ok}]: small shapes against the float64
         reference
"""

import bench_plan
import png_chart

WHO = ("attn", bench_plan.ALT_KERNEL) + ("sdpa-flash", "sdpa-cudnn", "flex")

# Nominal datasheet figures: dense bf16 tensor-core peak (no sparsity) and
# HBM bandwidth. Matched against the GPU's name, first match wins.
NOMINAL = (
    # (words that must all be in the name, words that must not, label,
    #  TFLOP/s, GB/s)
    (("H200",), ("NVL",), "H200 SXM", 989.0, 4800.0),
    (("H100", "PCIe"), (), "H100 PCIe", 756.0, 2000.0),
    (("H100",), ("NVL", "PCIe"), "H100 SXM", 989.0, 3350.0),
)


def nominal(gpu_name):
    """The nominal figures of the GPU named `gpu_name` (torch's device
    name, e.g. "NVIDIA H100 80GB HBM3"), or None when the table has none."""
    for need, avoid, label, tflops, gbs in NOMINAL:
        if all(w in gpu_name for w in need) and \
                not any(w in gpu_name for w in avoid):
            return {"name": label, "tflops": tflops, "hbm_gbs": gbs}
    return None


def tflops(row, who):
    ms = row.get("ms", {}).get(who)
    return row["flops"] / ms / 1e9 if ms else None


def gbs(row, who):
    ms = row.get("ms", {}).get(who)
    return row["kv_bytes"] / ms / 1e6 if ms else None


def fmt(x, digits=1):
    return "—" if x is None else f"{x:.{digits}f}"


def percent(x, of):
    return None if x is None or not of else 100.0 * x / of


def peer_cell(ours, theirs, digits=1):
    """A peer's figure and attn's over it, e.g. `350.1 (1.12x)`."""
    if theirs is None:
        return "—"
    if ours is None:
        return fmt(theirs, digits)
    return f"{fmt(theirs, digits)} ({ours / theirs:.2f}x)"


def peers_in(results, which=None):
    """The columns besides attn: whoever was timed or skipped on a row. The
    other-query-tile kernel (bench_plan.ALT_KERNEL) only where a row of
    table `which` has it (it times prefill shapes alone)."""
    peers = []
    for row in results["rows"]:
        for who in list(row.get("ms", {})) + list(row.get("skipped", {})):
            if who != "attn" and who not in peers:
                peers.append(who)
    if which is not None:
        mine = [r for r in results["rows"] if r["table"] == which]
        peers = [p for p in peers if p != bench_plan.ALT_KERNEL
                 or any(p in r.get("ms", {}) or p in r.get("skipped", {})
                        for r in mine)]
    return sorted(peers, key=lambda p: WHO.index(p) if p in WHO else 99)


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return lines


def percent_cell(value, measured, nominal):
    """"a / b": `value` in percent of the measured and the nominal peak."""
    return f"{fmt(percent(value, measured))} / {fmt(percent(value, nominal))}"


def prefill_table(results, peers):
    peak = results["peak"]
    nom = (peak.get("nominal") or {}).get("tflops")
    rows = []
    for r in results["rows"]:
        if r["table"] != "prefill":
            continue
        ours = tflops(r, "attn")
        rows.append([r["D"], r["Hq"], "causal" if r["variant"] == "causal"
                     else "none", r["Sq"], r["B"], fmt(ours),
                     percent_cell(ours, peak.get('matmul_tflops'), nom)]
                    + [peer_cell(ours, tflops(r, p)) for p in peers])
    return table(["D", "heads", "mask", "S", "B", "attn TFLOP/s",
                  "% peak (measured / nominal)"] + peers, rows)


def decode_table(results, peers):
    peak = results["peak"]
    nom = (peak.get("nominal") or {}).get("hbm_gbs")
    rows = []
    for r in results["rows"]:
        if r["table"] != "decode":
            continue
        ours = gbs(r, "attn")
        rows.append([r["Skv"], fmt(ours, 0),
                     percent_cell(ours, peak.get('copy_gbs'), nom)]
                    + [peer_cell(ours, gbs(r, p), 0) for p in peers])
    return table(["Skv", "attn GB/s", "% bandwidth (measured copy / nominal)"]
                 + peers, rows)


def variants_table(results, peers):
    peak = results["peak"]
    nom = (peak.get("nominal") or {}).get("tflops")
    rows = []
    for r in results["rows"]:
        if r["table"] != "variants":
            continue
        ours = tflops(r, "attn")
        rows.append([r["variant"], r["pairs"], fmt(ours),
                     percent_cell(ours, peak.get('matmul_tflops'), nom)]
                    + [peer_cell(ours, tflops(r, p)) for p in peers])
    return table(["variant", "visible pairs", "attn TFLOP/s",
                  "% peak (measured / nominal)"] + peers, rows)


def notes(results, which):
    """Skipped peers (grouped by reason) and the largest difference from
    attn's output per peer, for the rows of table `which`."""
    rows = [r for r in results["rows"] if r["table"] == which]
    out = []
    reasons = {}
    for r in rows:
        for who, why in r.get("skipped", {}).items():
            reasons.setdefault((who, why), []).append(r["label"])
    for (who, why), labels in reasons.items():
        shown = ", ".join(labels[:4]) + (f" and {len(labels) - 4} more"
                                         if len(labels) > 4 else "")
        out.append(f"- {who} not run ({shown}): {why}")
    worst = {}
    for r in rows:
        for who, d in r.get("diff", {}).items():
            if d is not None and (who not in worst or d > worst[who][0]):
                worst[who] = (d, r["label"])
    for who, (d, label) in worst.items():
        out.append(f"- largest |attn - {who}| over these inputs: {d:.2e} "
                   f"({label})")
    return out


def markdown(results):
    """The report as Markdown lines."""
    info, peak = results["info"], results["peak"]
    nom = peak.get("nominal")
    lines = [f"## GPU benchmark: {info.get('gpu', '?')}, "
             f"{info.get('date', '?')}",
             "",
             f"Kernels compiled for {info.get('chip', '?')} at compiler "
             f"{info.get('compiler', '?')}; torch {info.get('torch', '?')} "
             f"(CUDA {info.get('cuda', '?')}). bf16 inputs. Each figure is "
             f"the median of {info.get('repeat', '?')} calls (CUDA events, "
             f"calls queued back to back on one stream, same input tensors "
             f"for attn and every peer).",
             "",
             "Peak of this GPU, measured in this run: "
             f"bf16 matmul {fmt(peak.get('matmul_tflops'))} TFLOP/s "
             f"({peak.get('matmul_what', 'best of a few')}), device copy "
             f"{fmt(peak.get('copy_gbs'), 0)} GB/s "
             f"({peak.get('copy_what', 'read + write')}). "
             + (f"Nominal ({nom['name']} datasheet, not measured): "
                f"{nom['tflops']:g} TFLOP/s dense bf16, "
                f"{nom['hbm_gbs']:g} GB/s HBM."
                if nom else "No nominal figures for this GPU."),
             "",
             "FLOPs: 4·B·H·Sq·Skv·D over the visible (query, key) pairs. "
             "A peer's cell is its figure and, in parentheses, attn's "
             "throughput over the peer's (above 1: attn took less time)."]
    sections = (("prefill", f"### Prefill: hidden {bench_plan.HIDDEN}, "
                 f"B·S = {bench_plan.TOKENS}", prefill_table),
                ("decode", f"### Decode: Sq = 1, "
                 f"B = {bench_plan.DECODE['B']}, "
                 f"{bench_plan.DECODE['Hq']} query heads, "
                 f"{bench_plan.DECODE['Hkv']} key/value heads, "
                 f"D = {bench_plan.DECODE['D']}; GB/s of K and V read once",
                 decode_table),
                ("variants", "### Variants: B = {B}, {Hq} query heads, "
                 "Sq = Skv = {S}, D = {D}".format(**bench_plan.VARIANT_SHAPE),
                 variants_table))
    for which, title, make in sections:
        if not any(r["table"] == which for r in results["rows"]):
            continue
        lines += ["", title, ""] + make(results, peers_in(results, which))
        extra = notes(results, which)
        if extra:
            lines += [""] + extra
    checks = results.get("checks") or []
    if checks:
        bad = [c for c in checks if not c["ok"]]
        lines += ["", f"Against the float64 reference on small shapes "
                      f"(bf16 tolerance 2e-2 + 2e-2·|ref|): "
                      f"{len(checks) - len(bad)} of {len(checks)} within it."]
        lines += [f"- {c['who']} {c['variant']}: max |err| "
                  f"{c['max_err']:.2e}, outside the tolerance" for c in bad]
    return lines


def chart(results, path):
    """TFLOP/s against S of the prefill rows, one panel per head dim and
    mask, attn and each peer, with the measured and nominal peak lines."""
    rows = [r for r in results["rows"] if r["table"] == "prefill"]
    if not rows:
        return False
    who = ["attn"] + peers_in(results, "prefill")
    colors = dict(zip(who, png_chart.PALETTE))
    peak = results["peak"]
    nom = (peak.get("nominal") or {}).get("tflops")
    hlines = [("measured peak", peak.get("matmul_tflops"), (90, 90, 90), 6),
              ("nominal peak", nom, (160, 160, 160), 2)]
    panels = []
    for d in sorted({r["D"] for r in rows}):
        for variant in ("scaled_dot", "causal"):
            sel = sorted((r for r in rows if r["D"] == d
                          and r["variant"] == variant), key=lambda r: r["Sq"])
            if sel:
                mask = "causal" if variant == "causal" else "no mask"
                panels.append((f"D={d} ({bench_plan.HIDDEN // d} heads), "
                               f"{mask}", sel))
    cols = 2
    pw, ph = 480, 330
    width = cols * pw + 20
    height = 60 + ((len(panels) + cols - 1) // cols) * ph
    c = png_chart.Chart(width, height)
    info = results["info"]
    c.text(10, 8, f"bf16 attention forward, TFLOP/s: {info.get('gpu', '?')}, "
                  f"{info.get('date', '?')}")
    c.legend(10, 26, [(w, colors[w]) for w in who]
             + [("measured peak", (90, 90, 90)), ("nominal peak",
                                                   (160, 160, 160))],
             dashed=("measured peak", "nominal peak"))
    ymax = max([v for v in (peak.get("matmul_tflops"), nom) if v]
               + [tflops(r, w) or 0 for r in rows for w in who] + [1.0]) * 1.08
    for n, (title, sel) in enumerate(panels):
        x, y = 10 + (n % cols) * pw, 50 + (n // cols) * ph
        series = [(w, colors[w], [tflops(r, w) for r in sel]) for w in who]
        c.panel(x, y, pw - 10, ph - 10, title, [r["Sq"] for r in sel], series,
                hlines, xlabel="sequence length S (B = 16k / S)",
                ylabel="TFLOP/s", ymax=ymax)
    c.save(path)
    return True


def write(results, prefix):
    """Writes PREFIX.md and PREFIX.png; returns their paths (None for a
    chart without prefill rows)."""
    md = prefix + ".md"
    with open(md, "w") as f:
        f.write("\n".join(markdown(results)) + "\n")
    png = prefix + ".png"
    return md, (png if chart(results, png) else None)
