#!/usr/bin/env python3
"""Runs a tool on deterministic mutants of MLIR files: bad input must give a
diagnostic and exit 1, never a crash, a hang or a silent failure.

  mutate.py [--count N] [--seed S] [--timeout SEC] FILE... -- TOOL [ARGS...]

Each mutant is written to a temporary file and passed to TOOL as its last
argument; "{out}" in ARGS is replaced by a fresh output path. A mutant
passes when the tool exits 0, or exits 1 with "error:" on stderr. Anything
else (a signal, a sanitizer report, another exit status, no diagnostic, a
timeout) is printed with the mutant's text and counted as a failure.

Mutations (in turn, over the files): truncation at a byte offset; an integer
replaced by an extreme or invalid one (0, -1, 2^31, 2^63 - 1, 10^20, ?); an
element type replaced by another; a float attribute replaced by a special
value; a line deleted or duplicated; a token deleted.

Prints "mutants: N, accepted: A, rejected: R, failed: F" and exits 1 if
F > 0.
"""

import os
import random
import re
import subprocess
import sys
import tempfile

INTS = ["0", "1", "-1", "2147483648", "9223372036854775807",
        "100000000000000000000", "?", "-9223372036854775808", "4096"]
TYPES = ["f32", "f16", "bf16", "f64", "i1", "i32", "i64", "index", "f8E4M3FN",
         "complex<f32>", "vector<4xf32>", "none"]
FLOATS = ["0.0", "-1.0", "0x7FC00000", "0x7F800000", "0xFF800000", "1.0e+39",
          "1.0e-45", "nan", "inf"]


def mutants(text, rng):
    """An endless, deterministic stream of (description, mutated text)."""
    ints = [m.span() for m in re.finditer(r"(?<![%@#\w.])\d+(?![\w.])", text)]
    types = [m.span() for m in re.finditer(
        r"\b(f32|f16|bf16|i1|i32|index)\b", text)]
    floats = [m.span() for m in re.finditer(r"\b\d+\.\d+(e[+-]?\d+)?\b", text)]
    lines = text.split("\n")
    tokens = [m.span() for m in re.finditer(r"[^\s]+", text)]
    kinds = ["truncate", "int", "type", "float", "delete-line",
             "duplicate-line", "delete-token"]
    i = 0
    while True:
        kind = kinds[i % len(kinds)]
        i += 1
        if kind == "truncate":
            at = rng.randrange(len(text))
            yield f"truncated at byte {at}", text[:at]
        elif kind == "int" and ints:
            a, b = rng.choice(ints)
            new = rng.choice(INTS)
            yield f"integer at {a} -> {new}", text[:a] + new + text[b:]
        elif kind == "type" and types:
            a, b = rng.choice(types)
            new = rng.choice(TYPES)
            yield f"type at {a} -> {new}", text[:a] + new + text[b:]
        elif kind == "float" and floats:
            a, b = rng.choice(floats)
            new = rng.choice(FLOATS)
            yield f"float at {a} -> {new}", text[:a] + new + text[b:]
        elif kind == "delete-line":
            n = rng.randrange(len(lines))
            yield f"line {n + 1} deleted", "\n".join(lines[:n] + lines[n + 1:])
        elif kind == "duplicate-line":
            n = rng.randrange(len(lines))
            yield (f"line {n + 1} duplicated",
                   "\n".join(lines[:n + 1] + lines[n:]))
        elif kind == "delete-token" and tokens:
            a, b = rng.choice(tokens)
            yield f"token at {a} deleted", text[:a] + text[b:]


def main(argv):
    if "--" not in argv:
        sys.exit(__doc__)
    split = argv.index("--")
    opts, tool = argv[:split], argv[split + 1:]
    count, seed, timeout, files = 50, 0, 300, []
    it = iter(opts)
    for arg in it:
        if arg == "--count":
            count = int(next(it))
        elif arg == "--seed":
            seed = int(next(it))
        elif arg == "--timeout":
            timeout = int(next(it))
        else:
            files.append(arg)
    rng = random.Random(seed)
    # Comments are stripped: mutating them would test nothing.
    texts = ["\n".join(l for l in open(f).read().split("\n")
                       if not l.lstrip().startswith("//")) for f in files]
    streams = [mutants(t, rng) for t in texts]
    accepted = rejected = failed = 0
    with tempfile.TemporaryDirectory(prefix="attn-mutate-") as tmp:
        for n in range(count):
            what, text = next(streams[n % len(streams)])
            path = os.path.join(tmp, f"mutant{n}.mlir")
            with open(path, "w") as f:
                f.write(text)
            out = os.path.join(tmp, f"out{n}.so")
            cmd = [a.replace("{out}", out) for a in tool] + [path]
            try:
                proc = subprocess.run(cmd, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.PIPE, text=True,
                                      errors="replace", timeout=timeout)
                status, err = proc.returncode, proc.stderr
            except subprocess.TimeoutExpired:
                status, err = "timeout", ""
            reported = re.search(r"AddressSanitizer|runtime error:|"
                                 r"LeakSanitizer|LLVM ERROR|Assertion", err)
            if status == 0 and not reported:
                accepted += 1
            elif status == 1 and "error:" in err and not reported:
                rejected += 1
            else:
                failed += 1
                name = os.path.basename(files[n % len(files)])
                print(f"FAILED: mutant {n} of {name} ({what}): exit "
                      f"{status}\n--- stderr (tail)\n{err[-3000:]}\n"
                      f"--- mutant\n{text}\n---")
    print(f"mutants: {count}, accepted: {accepted}, rejected: {rejected}, "
          f"failed: {failed}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
