"""Calls a library that attn-compile built, in this process, on torch
tensors: its packed entry `attn_<f>_packed` (docs/abi.md) through ctypes.

The GPU benchmark (gpu_bench.py) times the compiled kernels this way
rather than through attn-exec, so that they read the very device tensors
the PyTorch peers read and are timed by the same loop on the same stream:

  runtime = load_cuda_runtime(path)          # once, before any CUDA module
  module = CompiledModule("kernels/libX.so", runtime)
  call = module.bind([q, k, v], stream=torch.cuda.current_stream().cuda_stream)
  call()                                     # enqueues on the stream
  call.results[0]                            # the output tensor

The library's manifest (attn_<f>_manifest) gives the target, the element
types and the shapes; bind() checks the tensors against it, solves the
size symbols from the arguments' shapes and allocates the results with
torch. A CUDA module takes device tensors and a stream (an int, the
CUstream, or None for the default stream); a CPU or gpu-emulator module
takes host tensors and no stream.
"""

import ctypes
import os

# Manifest element type -> torch dtype name.
TORCH_DTYPES = {"f32": "float32", "f64": "float64", "f16": "float16",
                "bf16": "bfloat16", "i1": "bool", "i8": "int8",
                "i32": "int32", "i64": "int64"}
STATUS = {1: "a negative or overflowing size",
          2: "a CUDA error",
          3: "a failed heap allocation (out of memory)"}

# Loaded once per process (dlopen with RTLD_GLOBAL: the modules' mgpu*
# imports resolve against it).
_runtimes = {}


class CallError(RuntimeError):
    """A call or a binding that failed; the message says why."""


def parse_manifest(text):
    """The signature of a manifest (docs/abi.md, "Manifest"): a dict with
    function, target ("cpu" without a target line), chip, sizes (the count
    of size symbols), args and results ([(name, dtype, dims)], each dim an
    int or "sK")."""
    lines = text.splitlines()
    if not lines or lines[0] != "attn-abi 1":
        raise CallError(f"not an attn-abi 1 manifest: {lines[:1]}")
    sig = {"function": None, "target": "cpu", "chip": None, "sizes": 0,
           "args": [], "results": []}
    for line in lines[1:]:
        f = line.split()
        if not f or f[0] == "end":
            break
        if f[0] == "function":
            sig["function"] = f[1]
        elif f[0] == "target":
            sig["target"] = f[1]
            sig["chip"] = f[2] if len(f) > 2 else None
        elif f[0] == "sizes":
            sig["sizes"] = int(f[1])
        elif f[0] in ("arg", "result"):
            name, dtype, rank = f[2], f[3], int(f[4])
            dims = [d if d.startswith("s") else int(d) for d in f[5:5 + rank]]
            sig["args" if f[0] == "arg" else "results"].append(
                (name, dtype, dims))
    return sig


def load_cuda_runtime(path):
    """Loads the runtime's AttnCudaRuntime library (libAttnCudaRuntime.so)
    into the global scope, once; returns its handle."""
    path = os.path.abspath(path)
    if path not in _runtimes:
        if not os.path.exists(path):
            raise CallError(f"no CUDA runtime library at {path} (build the "
                            f"runtime with CUDA: DIR/run does)")
        lib = ctypes.CDLL(path, mode=ctypes.RTLD_GLOBAL)
        lib.attnCudaLastError.restype = ctypes.c_char_p
        lib.attnCudaLastError.argtypes = []
        _runtimes[path] = lib
    return _runtimes[path]


class CompiledModule:
    """Function `function` of a compiled library."""

    def __init__(self, library, runtime=None, function="main"):
        self.library, self.runtime = library, runtime
        try:
            self.lib = ctypes.CDLL(os.path.abspath(library))
        except OSError as e:
            hint = (" (a CUDA module needs the AttnCudaRuntime library "
                    "loaded first: load_cuda_runtime)" if runtime is None
                    else "")
            raise CallError(f"cannot load {library}: {e}{hint}")
        try:
            text = ctypes.string_at(ctypes.addressof(ctypes.c_char.in_dll(
                self.lib, f"attn_{function}_manifest"))).decode()
            entry = getattr(self.lib, f"attn_{function}_packed")
        except (ValueError, AttributeError):
            raise CallError(f"{library} has no function {function!r} "
                            f"(attn_{function}_packed)")
        self.sig = parse_manifest(text)
        self.cuda = self.sig["target"] == "cuda"
        if self.cuda and runtime is None:
            raise CallError(f"{library} is a CUDA module: load the "
                            f"AttnCudaRuntime library first")
        entry.restype = ctypes.c_int32
        entry.argtypes = ([ctypes.POINTER(ctypes.c_void_p),
                           ctypes.POINTER(ctypes.c_int64)]
                          + ([ctypes.c_void_p] if self.cuda else []))
        self.entry = entry

    def sizes(self, args):
        """The size symbols' values, solved from the arguments' shapes;
        CallError on a shape, type or layout the signature refuses."""
        if len(args) != len(self.sig["args"]):
            raise CallError(f"{self.library}: takes {len(self.sig['args'])} "
                            f"tensors, got {len(args)}")
        values = [None] * self.sig["sizes"]
        for n, (t, (name, dtype, dims)) in enumerate(zip(args,
                                                          self.sig["args"])):
            what = f"argument #{n} '{name}'"
            want = TORCH_DTYPES.get(dtype)
            if str(t.dtype) != f"torch.{want}":
                raise CallError(f"{what}: expected torch.{want} for {dtype}, "
                                f"got {t.dtype}")
            if len(t.shape) != len(dims):
                raise CallError(f"{what}: expected rank {len(dims)}, got "
                                f"shape {tuple(t.shape)}")
            if not t.is_contiguous():
                raise CallError(f"{what}: must be contiguous (dense, "
                                f"row-major)")
            for axis, (d, size) in enumerate(zip(dims, t.shape)):
                if isinstance(d, int):
                    if d != size:
                        raise CallError(f"{what}: dimension {axis} is {size}, "
                                        f"the module needs {d}")
                    continue
                k = int(d[1:])
                if values[k] is None:
                    values[k] = int(size)
                elif values[k] != size:
                    raise CallError(f"{what}: dimension {axis} is {size} but "
                                    f"size symbol {d} is {values[k]} from an "
                                    f"earlier argument")
        if None in values:
            raise CallError(f"{self.library}: size symbol "
                            f"s{values.index(None)} occurs in no argument")
        return values

    def bind(self, args, stream=None, results=None, host_ok=False):
        """A BoundCall of the entry on `args` (torch tensors, in @main's
        order). Results are allocated like args[0] unless given. A CUDA
        module needs device tensors (`host_ok`: also host tensors, for the
        fake driver of test/Runtime, whose device memory is host memory)."""
        import torch
        sizes = self.sizes(args)
        if self.cuda and not host_ok and not all(t.is_cuda for t in args):
            raise CallError(f"{self.library} is a CUDA module: its tensors "
                            f"must be on the GPU")
        if not self.cuda and any(t.is_cuda for t in args):
            raise CallError(f"{self.library} runs on the host "
                            f"({self.sig['target']}): its tensors must be "
                            f"host tensors")
        if results is None:
            results = [torch.zeros([d if isinstance(d, int)
                                    else sizes[int(d[1:])] for d in dims],
                                   dtype=getattr(torch, TORCH_DTYPES[dtype]),
                                   device=args[0].device)
                       for _, dtype, dims in self.sig["results"]]
        return BoundCall(self, list(args), results, sizes, stream)


class BoundCall:
    """One call of a module on fixed tensors: the pointer and size arrays
    are built once, so that a timed call costs one ctypes call."""

    def __init__(self, module, args, results, sizes, stream):
        self.module, self.args, self.results = module, args, results
        tensors = args + results
        self.pointers = (ctypes.c_void_p * len(tensors))(
            *[t.data_ptr() for t in tensors])
        self.size_array = (ctypes.c_int64 * max(len(sizes), 1))(*sizes)
        self.extra = ([ctypes.c_void_p(stream)] if module.cuda else [])

    def __call__(self):
        rc = self.module.entry(self.pointers, self.size_array, *self.extra)
        if rc != 0:
            why = STATUS.get(rc, f"status {rc}")
            if rc == 2 and self.module.runtime is not None:
                why += ": " + (self.module.runtime.attnCudaLastError() or
                               b"").decode(errors="replace")
            raise CallError(f"{self.module.library}: the call returned {rc} "
                            f"({why})")
        return self.results
