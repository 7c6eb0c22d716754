"""Shared fixtures of the attn package's tests.

The float64 references are the integration suite's (test/Integration/lib,
test/Import/Onnx/lib): the same oracles check the package and the tools.
"""

import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

SOURCE_DIR = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
EXAMPLES = os.path.join(SOURCE_DIR, "examples", "variants")
sys.dont_write_bytecode = True  # keep the source tree clean, as the suite does
sys.path.insert(0, os.path.join(SOURCE_DIR, "test", "Integration", "lib"))
sys.path.insert(0, os.path.join(SOURCE_DIR, "test", "Import", "Onnx", "lib"))

from compare_results import TOLERANCES  # noqa: E402


def example(name):
    return os.path.join(EXAMPLES, name + ".mlir")


def assert_close(out, ref, etype="f32"):
    """Elementwise |out - ref| <= atol + rtol |ref|, the tolerances of
    shared/VARIANTS.md that the integration tests use."""
    atol, rtol = TOLERANCES[etype]
    out = np.asarray(out, dtype=np.float64)
    assert out.shape == ref.shape, (out.shape, ref.shape)
    assert np.isfinite(out).all()
    err = np.abs(out - ref)
    bad = err > atol + rtol * np.abs(ref)
    assert not bad.any(), f"max error {err.max():g} ({bad.sum()} elements)"


@pytest.fixture
def rng():
    return np.random.default_rng(0)


@pytest.fixture(scope="session")
def attn_opt():
    """Runs attn-opt (found on PATH, where check-attn puts the build's
    tools) on MLIR text; returns its output."""
    tool = shutil.which("attn-opt")
    assert tool, "attn-opt is not on PATH"

    def run(text, *flags):
        done = subprocess.run([tool, *flags, "-"], input=text, text=True,
                              capture_output=True)
        assert done.returncode == 0, done.stderr
        return done.stdout
    return run
