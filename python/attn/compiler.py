"""`attn.compile`: from a source to functions that run on NumPy arrays.

attn-compile compiles (run as a program, so that LLVM's global state stays
out of this process) and the runtime (the _attn extension) loads and runs:
this layer turns the accepted sources into a file for the compiler, maps
keyword arguments onto argument positions and presents the manifests.
"""

import collections
import errno
import os
import re
import shutil
import subprocess
import tempfile
import warnings

import numpy as np

from . import _attn, _tools
from .builder import Function as _BuiltFunction


class CompileError(RuntimeError):
    """The source did not compile; the message is attn-compile's
    diagnostics."""

TensorSpec = collections.namedtuple("TensorSpec", "name type dtype shape")
TensorSpec.__doc__ = """An argument or result of a compiled function: its
name, its element type at the ABI ("f32", "bf16", ...), the NumPy dtype that
carries it (bf16 and f8e4m3fn travel as float32) and its shape, with an int
per static size and a symbol ("s0") per dynamic one; symbols shared between
tensors must have equal sizes."""


def _format(spec):
    dims = ",".join(str(d) for d in spec.shape)
    return f"{spec.name}: {spec.type}[{dims}]"


class Function:
    """A compiled function: call it with NumPy arrays (positionally or by
    argument name); it returns one array, or a tuple for several results.

    Arrays are converted as attn-run converts .npy files: float32 feeds f32,
    bf16 and f8e4m3fn (rounded to nearest even; f8e4m3fn saturates at
    +-448), float16 feeds f16, bool i1, int32 i32. A wrong rank, size or
    dtype raises ValueError naming the argument.
    """

    def __init__(self, function):
        self._function = function
        self.name = function.name
        self.target = function.target
        self.args = [TensorSpec(*a) for a in function.args]
        results = [TensorSpec(*r) for r in function.results]
        # With weights=True the compiler appends one result per attention,
        # named "attn.weights<N>:<what the op is>".
        self.results = [r for r in results
                        if not r.name.startswith(_WEIGHTS_PREFIX)]
        self.weights = [_attn.describe_weights(r.name) for r in results
                        if r.name.startswith(_WEIGHTS_PREFIX)]
        # Size symbol -> where it first occurs ("s0" -> "q.d0").
        self.sizes = {f"s{i}": label
                      for i, label in enumerate(function.size_labels)}

    @property
    def signature(self):
        """`main(q: f32[s0,4,s1,64], ...) -> (o: f32[s0,4,s1,64])`."""
        args = ", ".join(_format(a) for a in self.args)
        results = ", ".join(_format(r) for r in self.results)
        return f"{self.name}({args}) -> ({results})"

    def __repr__(self):
        return f"<attn.Function {self.signature}>"

    def __call__(self, *args, **kwargs):
        names = [a.name for a in self.args]
        if len(args) > len(names):
            raise TypeError(f"{self.name}() takes {len(names)} arguments "
                            f"({', '.join(names)}), {len(args)} were given")
        values = list(args) + [None] * (len(names) - len(args))
        given = [True] * len(args) + [False] * (len(names) - len(args))
        for key, value in kwargs.items():
            if key not in names:
                raise TypeError(f"{self.name}() has no argument {key!r} "
                                f"(its arguments: {', '.join(names)})")
            i = names.index(key)
            if given[i]:
                raise TypeError(f"{self.name}() got argument {key!r} twice")
            values[i], given[i] = value, True
        missing = [n for n, g in zip(names, given) if not g]
        if missing:
            raise TypeError(f"{self.name}() is missing arguments "
                            f"{', '.join(missing)}")
        outputs = self._function([_host_array(v) for v in values])
        if not self.weights:
            return outputs
        outputs = list(outputs) if isinstance(outputs, tuple) else [outputs]
        own = outputs[:len(self.results)]
        return (own[0] if len(own) == 1 else tuple(own),
                outputs[len(self.results):])


_WEIGHTS_PREFIX = "attn.weights"


def heat_map(path, weights, title=""):
    """Writes `weights` (float16/32/64, rank >= 2, queries as rows and keys
    as columns; leading dimensions become panels) as a PNG heat map, the
    image attn-run --dump-weights writes (docs/heatmaps.md)."""
    array = np.ascontiguousarray(np.asarray(weights))
    if array.dtype not in (np.float16, np.float32, np.float64):
        raise TypeError(f"heat_map: weights of dtype {array.dtype}; expected "
                        "float16, float32 or float64")
    _attn.write_heat_map(os.fspath(path), array, title)


def _host_array(value):
    """`value` as a C-contiguous array in native byte order, dtype kept: the
    runtime checks the dtype against the signature."""
    array = np.asarray(value)
    if not array.dtype.isnative:
        array = array.astype(array.dtype.newbyteorder("="))
    return np.ascontiguousarray(array)


class Module:
    """The functions of a compiled module, as attributes (`m.main`) and in
    `m.functions` (name -> Function, in the module's order)."""

    def __init__(self, functions):
        self.functions = {f.name: Function(f) for f in functions}

    def __getattr__(self, name):
        functions = self.__dict__.get("functions", {})
        if name in functions:
            return functions[name]
        raise AttributeError(f"the module has no function {name!r} (it has "
                             f"{', '.join(functions) or 'none'})")

    def __getitem__(self, name):
        return self.functions[name]

    def __dir__(self):
        return list(super().__dir__()) + list(self.functions)

    def __repr__(self):
        lines = "\n".join("  " + f.signature for f in self.functions.values())
        return f"<attn.Module\n{lines}>"


# attn-compile's options by their Python names, and how each is written on
# its command line.
_FLAGS = {
    "query_tile": lambda v: [f"--query-tile={int(v)}"],
    "key_tile": lambda v: [f"--key-tile={int(v)}"],
    "stack_scratch_bytes": lambda v: [f"--stack-scratch-bytes={int(v)}"],
    "mcpu": lambda v: [f"--mcpu={v}"],
    "opt_level": lambda v: [f"-O{int(v)}"],
    "parallel": lambda v: [f"--parallel={'true' if v else 'false'}"],
    "chip": lambda v: [f"--chip={v}"],
    "allow_tf32": lambda v: ["--allow-tf32"] if v else [],
}


def _flags(target, options):
    flags = [f"--target={target}"]
    for key, value in options.items():
        if key not in _FLAGS:
            raise TypeError(f"unknown compile option {key!r} (the options: "
                            f"{', '.join(sorted(_FLAGS))})")
        if key in ("query_tile", "key_tile", "stack_scratch_bytes") and \
                value < 0:
            raise ValueError(f"{key} must be at least 0, got {value}")
        if key == "opt_level" and value not in (0, 1, 2, 3):
            raise ValueError(f"opt_level must be 0 to 3, got {value}")
        flags += _FLAGS[key](value)
    return flags


def _find_compiler():
    """attn-compile: $ATTN_COMPILE, else the one beside this package (build
    tree or install prefix), else the first on PATH."""
    configured = os.environ.get("ATTN_COMPILE")
    if configured:
        return configured
    beside = os.path.normpath(os.path.join(
        os.path.dirname(os.path.abspath(__file__)), _tools.TOOLS_DIR,
        "attn-compile"))
    if os.access(beside, os.X_OK):
        return beside
    on_path = shutil.which("attn-compile")
    if on_path:
        return on_path
    raise CompileError(f"attn-compile not found (looked at {beside} and on "
                       "PATH; set ATTN_COMPILE to its path)")


def _exported_functions(header):
    """The functions of a compiled library, from the header attn-compile
    wrote beside it: every `attn_<name>_packed` entry (docs/abi.md)."""
    with open(header) as f:
        return re.findall(r"\bint32_t attn_(\w+)_packed\(", f.read())


def _compile_file(path, flags, shown):
    """Compiles `path` and loads its functions. In messages the file is
    called `shown`."""
    with tempfile.TemporaryDirectory(prefix="attn-") as directory:
        library = os.path.join(directory, "module.so")
        header = os.path.join(directory, "module.h")
        run = subprocess.run(
            [_find_compiler(), path, "-o", library, f"--header={header}"] +
            flags, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        messages = (run.stdout + run.stderr).replace(path, shown)
        if run.returncode != 0:
            raise CompileError(messages.strip() or
                               f"attn-compile failed on {shown} "
                               f"(exit status {run.returncode})")
        if messages.strip():
            warnings.warn(messages.strip(), RuntimeWarning, stacklevel=3)
        # The loaded library stays mapped when its directory is removed.
        return Module(_attn.load(library, _exported_functions(header)))


def _is_source_text(text):
    """MLIR text, as opposed to a path: paths hold no newline and no brace."""
    return "\n" in text or "{" in text


def compile(source, *, target="cpu", weights=False, **options):
    """Compiles `source` and loads its public functions.

    source: a path (str or os.PathLike) to a .mlir (text or bytecode) or
        .onnx file; MLIR source text (a str with a newline or a brace);
        the bytes of an ONNX model; or a function of the builder
        (attn.function), or a list of them.
    target: "cpu" (default), "cuda" (needs a GPU at call time) or
        "gpu-emulator" (the CUDA kernels on CPU threads).
    options: those of attn-compile, by their long names: query_tile,
        key_tile, stack_scratch_bytes, mcpu, opt_level, parallel, chip,
        allow_tf32.
    weights: every attention of each function also returns its weights P
        [B, Hq, Sq, Skv] (debug mode: one more attention per 64 keys, and
        the weights are materialised). A call then returns
        (result, [P0, P1, ...]) and Function.weights describes each P
        ("weights0: causal.mlir:31, softmax, causal"); attn.heat_map draws
        one. CPU only.

    attn-compile does the compiling: $ATTN_COMPILE, else the one of the
    build tree or install prefix this package belongs to, else the first on
    PATH. Its warnings become Python warnings (RuntimeWarning).

    Raises CompileError with the compiler's diagnostics, FileNotFoundError
    for a path that does not exist.
    """
    flags = _flags(target, options)
    if weights:
        flags.append("--expose-weights")
    if isinstance(source, _BuiltFunction):
        source = [source]
    if isinstance(source, (list, tuple)) and \
            all(isinstance(f, _BuiltFunction) for f in source) and source:
        source = "\n".join(f.mlir() for f in source)

    if isinstance(source, os.PathLike) or \
            (isinstance(source, str) and not _is_source_text(source)):
        path = os.fspath(source)
        if not os.path.exists(path):
            raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT),
                                    path)
        return _compile_file(path, flags, path)

    if isinstance(source, str):
        data, file_name, shown = source.encode(), "source.mlir", "<source>"
    elif isinstance(source, (bytes, bytearray, memoryview)):
        data, file_name, shown = bytes(source), "model.onnx", "<onnx model>"
    else:
        raise TypeError(f"cannot compile {type(source).__name__}: expected a "
                        "path, MLIR text, ONNX bytes or a builder function")
    with tempfile.TemporaryDirectory(prefix="attn-source-") as directory:
        path = os.path.join(directory, file_name)
        with open(path, "wb") as f:
            f.write(data)
        return _compile_file(path, flags, shown)
