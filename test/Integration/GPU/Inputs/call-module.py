"""Calls one function of a compiled library through module_call.py (as the
GPU benchmark calls the packed kernels) on host torch tensors, and prints
the result or the error:

  call-module.py LIB_DIR LIBRARY FUNCTION [--cuda-runtime PATH] [--half]
                 [--attention]

The function takes two f32 vectors x and y of 300 elements (x = 0, 1, ...,
y = 1) and returns one, as the modules of test/Runtime do; with
--attention, bf16 q, k, v [1, 4, 8, 64] (examples/variants/*_bf16.mlir).
With --cuda-runtime the library is a CUDA module, run by the fake driver
of test/Runtime, whose device memory is host memory. --half passes a
float16 y, which the binding refuses."""

import argparse
import sys

sys.dont_write_bytecode = True
p = argparse.ArgumentParser()
p.add_argument("lib_dir")
p.add_argument("library")
p.add_argument("function")
p.add_argument("--cuda-runtime", dest="cuda_runtime", default=None)
p.add_argument("--half", action="store_true")
p.add_argument("--attention", action="store_true")
args = p.parse_args()
sys.path.insert(0, args.lib_dir)
import torch  # noqa: E402
from module_call import (CallError, CompiledModule,  # noqa: E402
                         load_cuda_runtime)

try:
    runtime = (load_cuda_runtime(args.cuda_runtime) if args.cuda_runtime
               else None)
    module = CompiledModule(args.library, runtime, args.function)
    print(f"target {module.sig['target']} {module.sig['chip']}")
    if args.attention:
        inputs = [torch.zeros(1, 4, 8, 64, dtype=torch.bfloat16)
                  for _ in range(3)]
    else:
        inputs = [torch.arange(300, dtype=torch.float32),
                  torch.ones(300, dtype=torch.float16 if args.half
                             else torch.float32)]
    (out,) = module.bind(inputs, host_ok=True)()
    print("result", out[:4].tolist(), out[-1].item())
except CallError as e:
    print(f"error: {e}")
    sys.exit(1)
