#!/usr/bin/env python3
"""Checks that every row of the variant specification ships what it must.

For each row of shared/VARIANTS.md (sections A-F), and each extension
beyond it (EXTENSIONS): the example
examples/variants/<name>.mlir exists and has a public @main, and
test/Integration/CPU/<name>/ holds execution tests that run that example
through the float64 checker. Prints one line per missing piece and exits 1
if there is any.
"""

import os
import re
import sys

ROWS = {
    "A": ["dot", "scaled_dot", "general", "additive", "cosine", "neg_l2",
          "multi_dimensional", "compositional"],
    "B": ["sigmoid", "hard", "topk", "hard_sample"],
    "C": ["causal", "sliding_window", "local_window", "local_gaussian",
          "key_padding", "bool_mask", "bias", "alibi", "softcap",
          "relative_position", "gqa", "causal_bf16", "causal_f16",
          "scaled_dot_bf16", "scaled_dot_f16"],
    "D": ["multi_head", "causal_self_attention", "gated_heads",
          "feed_forward_pool", "hierarchical", "co_attention",
          "attention_over_attention", "memory_network", "encoder_layer"],
    "E": ["squeeze_excite", "eca", "spatial", "cbam", "non_local",
          "channel_self", "selective_kernel", "spatial_transformer"],
    "F": ["temporal", "pyramid", "ema", "gumbel_heads", "criss_cross",
          "dilated_local", "stand_alone"],
}

# Examples beyond the specification's rows, held to the same rules: the
# FP8 form of scaled_dot (docs/fp8.md).
EXTENSIONS = ["scaled_dot_fp8"]

# Execution tests per row: a random case plus edge cases.
MIN_TESTS = 3


def main():
    root = os.path.normpath(os.path.join(os.path.dirname(__file__), "..",
                                         "..", ".."))
    names = [n for rows in ROWS.values() for n in rows] + EXTENSIONS
    problems = []
    for name in names:
        example = os.path.join(root, "examples", "variants", name + ".mlir")
        if not os.path.isfile(example):
            problems.append(f"{name}: missing {os.path.relpath(example, root)}")
        elif not re.search(r"func\.func\s+@main\s*\(", open(example).read()):
            problems.append(f"{name}: example has no public @main")
        tests = os.path.join(root, "test", "Integration", "CPU", name)
        runs = []
        if os.path.isdir(tests):
            for f in sorted(os.listdir(tests)):
                if not f.endswith(".test"):
                    continue
                text = open(os.path.join(tests, f)).read()
                if re.search(r"RUN:\s*%check_variant\s+" + re.escape(name) +
                             r"\b", text):
                    runs.append(f)
        if len(runs) < MIN_TESTS:
            problems.append(f"{name}: {len(runs)} execution tests in "
                            f"test/Integration/CPU/{name}/, expected at least "
                            f"{MIN_TESTS}")
    extra = sorted(
        f[:-5] for f in os.listdir(os.path.join(root, "examples", "variants"))
        if f.endswith(".mlir") and f[:-5] not in names)
    for name in extra:
        problems.append(f"{name}: example is not a row of the specification")
    for p in problems:
        print("error:", p)
    print(f"coverage: {len(names) - len(EXTENSIONS)} rows, "
          f"{len(EXTENSIONS)} extensions, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
