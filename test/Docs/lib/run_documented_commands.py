#!/usr/bin/env python3
"""Runs the shell commands that the Markdown docs show, so they cannot drift.

Every fenced block labelled sh, bash, shell or console, or not labelled at
all, is a shell block. Each one runs, unless an HTML comment right above its
fence says otherwise:

    <!-- docs-test: skip (needs a GPU) -->      never run; the reason is
                                                 mandatory
    <!-- docs-test: requires ptxas, numpy -->   run only where these lit
                                                 features are available
    <!-- docs-test: output -->                  the block's output must
                                                 match the one shown

A block runs with bash -e in a scratch directory that links to every entry
of the source root (so `examples/...` and `scripts/...` resolve) and has
`build` link to the build tree, whose bin/ comes first on PATH; files the
commands write land in the scratch directory. The blocks of one file run in
order in one directory, so a later block can use what an earlier one
wrote. Lines starting with `$ ` are commands and the lines between them
their output; without prompts the whole block is the script. A block that
fails fails the check, whatever the reason, so a command that cannot run
here has to be marked rather than slip through. Blocks in other languages
(mlir, c, text, ...) are not looked at.
"""

import argparse
import os
import subprocess
import sys
import time

# The suite must not write into the source tree, __pycache__ included.
sys.dont_write_bytecode = True
from docs_blocks import output_matches, parse  # noqa: E402


def make_scratch(scratch, root, build):
    """A directory that looks like the source root with the build in
    `build`, where the commands may write."""
    os.makedirs(scratch, exist_ok=True)
    for entry in os.listdir(root):
        if entry in (".git", "build") or \
                os.path.lexists(os.path.join(scratch, entry)):
            continue
        os.symlink(os.path.join(root, entry), os.path.join(scratch, entry))
    if not os.path.lexists(os.path.join(scratch, "build")):
        os.symlink(build, os.path.join(scratch, "build"))


def run_block(block, cwd, env, timeout):
    """None when the block passes, else what went wrong."""
    script, shown = block.script_and_output()
    try:
        done = subprocess.run(["bash", "-e", "-c", script], cwd=cwd, env=env,
                              stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=timeout)
    except subprocess.TimeoutExpired:
        return f"timed out after {timeout} s", ""
    out = done.stdout.decode(errors="replace")
    if done.returncode != 0:
        return f"exit status {done.returncode}", out
    if block.check_output and not output_matches(shown or [], out):
        return "the output differs from the one shown", out
    return None, out


def markdown_files(root, excludes):
    found = [os.path.join(root, "README.md")]
    for base, dirs, files in os.walk(os.path.join(root, "docs")):
        dirs.sort()
        found += [os.path.join(base, f) for f in sorted(files)
                  if f.endswith(".md")]
    return [f for f in found if os.path.exists(f) and not any(
        os.path.relpath(f, root).startswith(e.rstrip("/") + "/")
        or os.path.relpath(f, root) == e for e in excludes)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("files", nargs="*",
                    help="Markdown files (default: README.md and docs/)")
    ap.add_argument("--root", required=True, help="the source root")
    ap.add_argument("--build", help="the build tree (its bin/ goes first "
                    "on PATH; `build` links to it)")
    ap.add_argument("--scratch", help="an empty directory to run in")
    ap.add_argument("--features", default="",
                    help="comma-separated lit features available here")
    ap.add_argument("--exclude", action="append", default=[],
                    help="a file or directory under --root to leave out")
    ap.add_argument("--timeout", type=int, default=120,
                    help="seconds one block may take")
    ap.add_argument("--list", action="store_true",
                    help="only print the blocks and what would happen")
    args = ap.parse_args()

    root = os.path.abspath(args.root)
    files = [os.path.abspath(f) for f in args.files] or \
        markdown_files(root, args.exclude)
    features = {f.strip() for f in args.features.split(",") if f.strip()}

    parsed, errors = [], []
    for path in files:
        rel = os.path.relpath(path, root)
        blocks, file_errors = parse(path, rel)
        parsed.append((rel, blocks))
        errors += file_errors
    for error in errors:
        print(f"error: {error}")

    if args.list:
        for rel, blocks in parsed:
            for b in blocks:
                state = (f"skip ({b.skip})" if b.skip else
                         "requires " + ", ".join(b.requires) if b.requires
                         else "run")
                print(f"{b.where()}: {state}")
                for c in b.commands():
                    print(f"    {c}")
        return 1 if errors else 0

    if not args.build or not args.scratch:
        ap.error("--build and --scratch are needed to run the commands")
    build = os.path.abspath(args.build)
    env = dict(os.environ)
    env["PATH"] = os.path.join(build, "bin") + os.pathsep + env.get("PATH", "")

    counts = {"PASS": 0, "FAIL": 0, "SKIP": 0, "UNSUPPORTED": 0}
    for rel, blocks in parsed:
        if not blocks:
            continue
        cwd = os.path.join(os.path.abspath(args.scratch),
                           rel.replace(os.sep, "_"))
        make_scratch(cwd, root, build)
        for b in blocks:
            if b.skip:
                counts["SKIP"] += 1
                print(f"SKIP: {b.where()} ({b.skip})")
                continue
            missing = [f for f in b.requires if f not in features]
            if missing:
                counts["UNSUPPORTED"] += 1
                print(f"UNSUPPORTED: {b.where()} (missing: "
                      f"{', '.join(missing)})")
                continue
            start = time.monotonic()
            problem, out = run_block(b, cwd, env, args.timeout)
            seconds = time.monotonic() - start
            if problem is None:
                counts["PASS"] += 1
                print(f"PASS: {b.where()} ({seconds:.1f} s)")
                continue
            counts["FAIL"] += 1
            print(f"FAIL: {b.where()}: {problem}")
            for c in b.commands():
                print(f"    $ {c}")
            if b.check_output and problem.startswith("the output"):
                print("    shown:")
                for line in b.script_and_output()[1] or []:
                    print(f"    > {line}")
                print("    got:")
            for line in out.splitlines()[-30:]:
                print(f"    | {line}")
            if problem.startswith("exit status"):
                print("    If this command cannot run in the test suite, "
                      "mark the block with\n    <!-- docs-test: skip (why) "
                      "--> or <!-- docs-test: requires FEATURE -->.")
    print(", ".join(f"{n} {k.lower()}" for k, n in counts.items())
          + f", {len(errors)} marking errors")
    return 1 if counts["FAIL"] or errors else 0


if __name__ == "__main__":
    sys.exit(main())
