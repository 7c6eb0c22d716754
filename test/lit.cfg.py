# -*- Python -*-
# lit configuration of the attn compiler tests. Paths come from the
# CMake-generated lit.site.cfg.py; this file only holds logic.

import os
import shlex
import shutil
import subprocess

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import FindTool, ToolSubst

config.name = "ATTN"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.attn_obj_root, "test")

# Helpers and shared inputs are not tests.
config.excludes = ["lib", "Inputs", "CMakeLists.txt", "lit.cfg.py",
                   "lit.site.cfg.py"]

llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP"])

# Our tools (attn-opt, attn-compile, attn-run) first, then FileCheck, not,
# count and split-file from the LLVM installation.
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.attn_tools_dir, append_path=True)

# FileCheck always runs with --enable-var-scope, as in upstream MLIR: captured
# variables ([[X:...]]) do not leak across CHECK-LABELs.
llvm_config.add_tool_substitutions(
    [
        ToolSubst("FileCheck", extra_args=["--enable-var-scope"],
                  unresolved="fatal"),
        ToolSubst(r"\| \bcount\b", command=FindTool("count"), verbatim=True,
                  unresolved="fatal"),
        ToolSubst(r"\| \bnot\b", command=FindTool("not"), verbatim=True,
                  unresolved="fatal"),
    ],
    [config.llvm_tools_dir],
)

# ATTN_ENABLE_SANITIZERS builds: the tools and the runtime carry ASan and
# UBSan (the compiled .so artifacts do not). A UBSan report fails the test
# instead of printing and going on. Leak checking stays on. User poisoning is
# off: the allocators that LLVM headers inline into our code poison slabs
# that the uninstrumented libMLIR.so later hands out, a false use-after-poison
# (docs/robustness.md). The options the user set come last and win.
if getattr(config, "attn_sanitizers", False):
    config.available_features.add("sanitizers")
    sanitizer_options = {
        "ASAN_OPTIONS": "detect_leaks=1:allow_user_poisoning=0",
        "UBSAN_OPTIONS": "halt_on_error=1:print_stacktrace=1",
    }
    for name, value in sanitizer_options.items():
        user = os.environ.get(name)
        config.environment[name] = f"{value}:{user}" if user else value

python = config.python_executable or "/usr/bin/python3"
config.substitutions.append(("%python", python))
config.substitutions.append(("%attn_src", config.attn_src_root))
config.substitutions.append(("%attn_obj", config.attn_obj_root))
config.substitutions.append(
    ("%fail_malloc",
     os.path.join(config.attn_obj_root, "test", "Support",
                  "attn-test-fail-malloc.so")))

# Tests that configure another CMake project against this build (the
# installed package, test/Install) use the CMake, Ninja, compilers and MLIR
# that configured it. %cmake_configure comes before %cmake, its prefix.
if config.cmake_generator == "Ninja":
    config.available_features.add("cmake-ninja")
    configure = [config.cmake_command, "-G", "Ninja",
                 "-DCMAKE_MAKE_PROGRAM=" + config.cmake_make_program,
                 "-DCMAKE_C_COMPILER=" + config.c_compiler,
                 "-DCMAKE_CXX_COMPILER=" + config.cxx_compiler,
                 "-DCMAKE_BUILD_TYPE=" + config.cmake_build_type,
                 "-DMLIR_DIR=" + config.mlir_dir]
    config.substitutions.append(
        ("%cmake_configure", " ".join(map(shlex.quote, configure))))
config.substitutions.append(("%cmake", shlex.quote(config.cmake_command)))
config.substitutions.append(("%ctest", shlex.quote(config.ctest_command)))
mlir_includes = [d for d in config.mlir_include_dirs.split(";") if d]
config.substitutions.append(
    ("%mlir_includes", " ".join("-I " + shlex.quote(d) for d in mlir_includes)))

# mlir-runner JIT-runs small numeric programs (the exp2 error bound) with
# the C runner utils of the same LLVM installation.
runner_utils = os.path.join(config.llvm_tools_dir, "..", "lib",
                            "libmlir_c_runner_utils.so")
if shutil.which("mlir-runner", path=config.llvm_tools_dir) and \
        os.path.exists(runner_utils):
    config.available_features.add("mlir-runner")
    config.substitutions.append(("%mlir_c_runner_utils",
                                 os.path.normpath(runner_utils)))

# ptxas validates emitted PTX even on machines without a GPU.
ptxas = config.ptxas_executable
if not ptxas or not os.path.exists(ptxas):
    ptxas = shutil.which("ptxas") or "/usr/local/cuda/bin/ptxas"
if os.access(ptxas, os.X_OK):
    config.available_features.add("ptxas")
    config.substitutions.append(("%ptxas", ptxas))


def _succeeds(cmd):
    try:
        return subprocess.run(cmd, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL,
                              timeout=60).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


if _succeeds([python, "-c", "import numpy"]):
    config.available_features.add("numpy")
# ONNX models are built at test time with the onnx package (python3-onnx)
# and imported by attn-import / attn-run.
if getattr(config, "attn_onnx", False) and \
        _succeeds([python, "-c", "import onnx, numpy"]):
    config.available_features.add("onnx")
# PyTorch's exporter (python3-torch, optional: `scripts/setup --torch`), to
# re-export the checked-in models of test/Import/Onnx/Inputs/torch.
if "onnx" in config.available_features and \
        _succeeds([python, "-c", "import torch"]):
    config.available_features.add("torch")
# ONNX's own node tests (libonnx-testdata).
onnx_testdata = "/usr/share/libonnx-testdata/data/node"
if os.path.isdir(onnx_testdata):
    config.available_features.add("onnx-testdata")
    config.substitutions.append(("%onnx_testdata", onnx_testdata))
if shutil.which("nvidia-smi") and _succeeds(["nvidia-smi", "-L"]):
    config.available_features.add("cuda-gpu")

# The runtime was built with its CUDA half (ATTN_ENABLE_CUDA_RUNTIME). Its
# tests run on machines without a GPU with the fake libcuda.so.1 of
# test/Runtime, put first on LD_LIBRARY_PATH by %fake_cuda.
if getattr(config, "attn_cuda_runtime", False):
    config.available_features.add("cuda-runtime")
    fake_cuda_dir = os.path.join(config.attn_obj_root, "lib", "fake-cuda")
    library_path = os.environ.get("LD_LIBRARY_PATH")
    config.substitutions.append(
        ("%fake_cuda",
         "env LD_LIBRARY_PATH=" + fake_cuda_dir
         + (":" + library_path if library_path else "")))
# The runtime writes PNG heat maps (built with libpng, ATTN_ENABLE_PNG).
if getattr(config, "attn_png", False):
    config.available_features.add("libpng")
# The host CPU runs AVX-512 code (tests that execute it; the others check
# the generated code for any CPU).
try:
    with open("/proc/cpuinfo") as cpuinfo:
        if " avx512f" in cpuinfo.read():
            config.available_features.add("avx512f")
except OSError:
    pass
# A CUDA driver (libcuda.so.1) can be loaded here.
if _succeeds([python, "-c", "import ctypes; ctypes.CDLL('libcuda.so.1')"]):
    config.available_features.add("cuda-driver")

# The Python package was built (ATTN_ENABLE_PYTHON) for the interpreter
# %attn_python, and that interpreter has pytest: test/Python runs its tests
# with the package of this build tree first on PYTHONPATH.
package_python = getattr(config, "attn_python_package_executable", "")
if getattr(config, "attn_python_bindings", False) and package_python and \
        _succeeds([package_python, "-c", "import pytest, numpy"]):
    config.available_features.add("python-bindings")
    config.substitutions.append(("%attn_python", package_python))
    config.substitutions.append(
        ("%attn_package_dir", os.path.join(config.attn_obj_root, "python")))
