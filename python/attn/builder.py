"""Attention graphs as Python values, printed as MLIR.

Tensors are declared with `input`, combined with the op functions of
`attn.ops` (`attention`, `multi_head`, `squeeze_excite`, ...) and turned
into a `func.func` by `function`; the text is the same IR as
examples/variants, and `attn.compile` accepts the result directly.

    q = attn.input("q", ("B", 4, "Sq", 64))
    k = attn.input("k", ("B", 4, "Skv", 64))
    v = attn.input("v", ("B", 4, "Skv", 64))
    f = attn.function(attn.attention(q, k, v, causal=True))
    print(f.mlir())

Symbolic sizes ("B", "Sq", or None) are dynamic (`?`) in the IR: their
names document the graph, and the compiler works out which dynamic sizes
must be equal from the ops (the size symbols of the manifest).
"""

import itertools
import re

from . import types

_creation = itertools.count()
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


class Value:
    """A tensor of a graph being built: a function input or an op result."""

    def __init__(self, shape, dtype, node=None, name=None):
        self.shape = types.check_shape(shape)
        self.dtype = types.element_type(dtype)
        self.node = node
        self.name = name
        self._order = next(_creation)

    @property
    def rank(self):
        return len(self.shape)

    @property
    def type(self):
        """The MLIR tensor type."""
        return types.tensor_type(self.shape, self.dtype)

    def __repr__(self):
        dims = ",".join(str(d) for d in self.shape)
        what = f"input {self.name!r}" if self.node is None else self.node.op
        return f"<attn.Value {what}: {self.dtype}[{dims}]>"


class Node:
    """One op: its operands, its results and how it prints.

    `printer(ssa)` returns the op's text after `%r = ` (for several results
    `%r:2 = `), with `ssa(value)` naming an operand.
    """

    def __init__(self, op, operands, results, printer):
        self.op = op
        self.operands = list(operands)
        for value in self.operands:
            if not isinstance(value, Value):
                raise TypeError(f"{op}: operand {value!r} is not a tensor "
                                "of the builder (attn.input or an op result)")
        self.results = [Value(shape, dtype, node=self)
                        for shape, dtype in results]
        self.printer = printer


def input(name, shape, dtype="f32"):
    """A function argument: `name` becomes its SSA name and its `attn.name`
    (the name the manifest, the signatures and the errors use)."""
    if not isinstance(name, str) or not _IDENTIFIER.match(name):
        raise ValueError(f"input name {name!r} must be an identifier")
    return Value(shape, dtype, name=name)


def _outputs(outputs):
    """(values, result names or None) from a Value, a sequence of Values or a
    dict of name -> Value."""
    if isinstance(outputs, Value):
        return [outputs], None
    if isinstance(outputs, dict):
        return list(outputs.values()), list(outputs.keys())
    values = list(outputs)
    if not values:
        raise ValueError("a function needs at least one output")
    return values, None


class Function:
    """A `func.func` built from outputs back to their inputs."""

    def __init__(self, outputs, inputs=None, name="main"):
        if not _IDENTIFIER.match(name):
            raise ValueError(f"function name {name!r} must be an identifier")
        self.name = name
        self.outputs, self.result_names = _outputs(outputs)
        for value in self.outputs:
            if not isinstance(value, Value):
                raise TypeError(f"output {value!r} is not a builder tensor")
        self.nodes, reached = self._collect()
        if inputs is None:
            inputs = sorted(reached, key=lambda v: v._order)
        self.inputs = list(inputs)
        missing = [v.name for v in reached if v not in self.inputs]
        if missing:
            raise ValueError(f"function @{name}: the outputs use inputs "
                             f"{missing} that are not in `inputs`")
        names = [v.name for v in self.inputs]
        if len(set(names)) != len(names):
            raise ValueError(f"function @{name}: duplicate input names "
                             f"{names}")

    def _collect(self):
        """The nodes in an order that defines each value before its uses,
        and the inputs they reach."""
        nodes, inputs, seen = [], [], set()

        def visit(value):
            if id(value) in seen:
                return
            seen.add(id(value))
            if value.node is None:
                inputs.append(value)
                return
            if id(value.node) in seen:
                return
            seen.add(id(value.node))
            for operand in value.node.operands:
                visit(operand)
            nodes.append(value.node)

        for value in self.outputs:
            visit(value)
        return nodes, inputs

    def mlir(self):
        """The module text: one `func.func`."""
        names = {}
        for value in self.inputs:
            names[id(value)] = "%" + value.name
        body = []
        for n, node in enumerate(self.nodes):
            for r, value in enumerate(node.results):
                names[id(value)] = f"%{n}" + (
                    f"#{r}" if len(node.results) > 1 else "")
            lhs = f"%{n}" + (f":{len(node.results)}"
                             if len(node.results) > 1 else "")
            body.append(f"  {lhs} = " + node.printer(lambda v: names[id(v)]))

        indent = " " * len(f"func.func @{self.name}(")
        args = (",\n" + indent).join(
            f"%{v.name}: {v.type} {{attn.name = \"{v.name}\"}}"
            for v in self.inputs)
        results = [v.type + (f" {{attn.name = \"{self.result_names[i]}\"}}"
                             if self.result_names else "")
                   for i, v in enumerate(self.outputs)]
        result_list = results[0] if len(results) == 1 and \
            not self.result_names else "(" + ", ".join(results) + ")"
        returned = ", ".join(names[id(v)] for v in self.outputs)
        returned_types = ", ".join(v.type for v in self.outputs)
        return (f"func.func @{self.name}({args})\n"
                f"    -> {result_list} {{\n" + "\n".join(body) + "\n"
                f"  return {returned} : {returned_types}\n}}\n")

    __str__ = mlir

    def compile(self, **options):
        """`attn.compile(self, **options)`."""
        from .compiler import compile
        return compile(self, **options)


def function(outputs, inputs=None, name="main"):
    """Builds the function that computes `outputs` (a Value, a list of
    Values, or a dict of result name -> Value). Its arguments are `inputs`,
    by default every input the outputs use, in the order they were
    declared."""
    return Function(outputs, inputs, name)
