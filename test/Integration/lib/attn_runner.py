"""Running a module: attn-run compiles and runs it, or attn-exec runs a
library that attn-compile built from it. Finds the tool, writes its
command line (inputs and outputs as .npy files) and runs it."""

import os
import shutil
import subprocess

import numpy as np

from module_signature import UsageError

# The checkout: examples/ and the build trees whose bin/ hold the tools.
REPO_ROOT = os.path.normpath(os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))


def find_attn_run(explicit):
    if explicit:
        return explicit
    found = shutil.which("attn-run")
    if found:
        return found
    return os.path.join(REPO_ROOT, "build", "bin", "attn-run")


def find_attn_exec(explicit):
    """attn-exec: `explicit`, else on PATH, else the standalone runtime
    build (build-runtime/bin), else build/bin."""
    if explicit:
        return explicit
    found = shutil.which("attn-exec")
    if found:
        return found
    for build in ("build-runtime", "build"):
        path = os.path.join(REPO_ROOT, build, "bin", "attn-exec")
        if os.path.exists(path):
            return path
    return os.path.join(REPO_ROOT, "build", "bin", "attn-exec")


def add_runner_arguments(parser):
    """The options of how a checker runs its module: tiles (attn-run),
    the runner, the tools, the library attn-exec runs and a timeout."""
    parser.add_argument("--query-tile", dest="query_tile", type=int,
                        default=None)
    parser.add_argument("--key-tile", dest="key_tile", type=int, default=None)
    parser.add_argument("--attn-run", dest="attn_run", default=None)
    parser.add_argument("--runner", choices=("attn-run", "attn-exec"),
                        default="attn-run")
    parser.add_argument("--library", default=None)
    parser.add_argument("--attn-exec", dest="attn_exec", default=None)
    parser.add_argument("--timeout", type=float, default=600)


def check_runner_options(args):
    """--runner attn-exec needs --library and takes no tile options (they
    are fixed when the library is compiled)."""
    if getattr(args, "runner", "attn-run") != "attn-exec":
        if getattr(args, "library", None):
            raise UsageError("--library needs --runner attn-exec")
        return
    if not args.library:
        raise UsageError("--runner attn-exec needs --library PATH")
    if not os.path.exists(args.library):
        raise UsageError(f"no library file {args.library}")
    if args.query_tile is not None or args.key_tile is not None:
        raise UsageError("--query-tile/--key-tile do not apply to --runner "
                         "attn-exec (the library's tiles are compiled in)")


def attn_run_command(args, example, named_inputs, tmp, out_names):
    """The attn-run command for `example`: each (name, array) of
    `named_inputs` saved as tmp/<name>.npy, one output tmp/<name>.npy per
    entry of `out_names`, and the timing and tile options of `args` (those
    it has). With args.runner attn-exec, the attn-exec command for
    args.library instead. Returns the command and the output paths."""
    if getattr(args, "runner", "attn-run") == "attn-exec":
        cmd = [find_attn_exec(args.attn_exec), args.library]
    else:
        cmd = [find_attn_run(args.attn_run), example]
    for arg, x in named_inputs:
        path = os.path.join(tmp, f"{arg}.npy")
        np.save(path, x)
        cmd.append(f"--input=@{path}")
    out_paths = [os.path.join(tmp, f"{n}.npy") for n in out_names]
    cmd += [f"--output=@{path}" for path in out_paths]
    if getattr(args, "print_time", False):
        cmd.append("--print-time")
    if getattr(args, "repeat", None) is not None:
        cmd.append(f"--repeat={args.repeat}")
    if getattr(args, "query_tile", None) is not None:
        cmd.append(f"--query-tile={args.query_tile}")
    if getattr(args, "key_tile", None) is not None:
        cmd.append(f"--key-tile={args.key_tile}")
    return cmd, out_paths


def tool_name(cmd):
    """attn-run or attn-exec: the tool `cmd` runs, for messages."""
    return os.path.basename(cmd[0])


def invoke_attn_run(cmd, head, timeout):
    """Runs attn-run (or attn-exec, whichever `cmd` runs); returns the
    finished process, or None after printing a FAIL line (`head: FAIL:
    ...`) when it could not run or exited with an error."""
    tool = tool_name(cmd)
    try:
        proc = subprocess.run(cmd, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT,
                              universal_newlines=True, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as e:
        print(f"{head}: FAIL: could not run {tool}: {e}")
        return None
    if proc.returncode != 0:
        print(f"{head}: FAIL: {tool} exited with {proc.returncode}")
        print("  command: " + " ".join(cmd))
        print("  " + proc.stdout.rstrip().replace("\n", "\n  "))
        return None
    return proc
