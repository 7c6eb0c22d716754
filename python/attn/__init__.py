"""attn: compile attention graphs ahead of time and run them on NumPy arrays.

    import attn, numpy as np
    m = attn.compile("examples/variants/causal.mlir")
    o = m.main(q, k, v)

Sources may also be MLIR text, ONNX model bytes or graphs written with the
builder (`attn.input`, `attn.attention`, ..., `attn.function`). See
docs/python.md.
"""

from .builder import Function as GraphFunction
from .builder import Value, function, input
from .compiler import (CompileError, Function, Module, TensorSpec, compile,
                       heat_map)
from .ops import (attention, cbam, eca, multi_head, spatial_gate,
                  squeeze_excite)

__all__ = [
    "CompileError", "Function", "GraphFunction", "Module", "TensorSpec",
    "Value", "attention", "cbam", "compile", "eca", "function", "heat_map",
    "input",
    "multi_head", "spatial_gate", "squeeze_excite",
]
