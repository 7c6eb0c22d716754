"""@main's arguments and results read off a module file, and checked
against the arguments of a variant (variant_specs.SPECS)."""

import re

import reference as ref
from variant_specs import DYNAMIC, MLIR_ELEM, MLIR_TYPE, SPECS


class UsageError(Exception):
    """Bad usage (exit status 2): an unknown variant, a module whose @main
    does not take what the variant does, a case or an option that does
    not apply."""


def parse_main_signature(path):
    """[(dims, elem)] of @main's arguments: dims a list of int or None."""
    with open(path) as f:
        text = re.sub(r"//[^\n]*", "", f.read())
    m = re.search(r"func\.func\s+(?:public\s+)?@main\s*\((.*?)\)\s*->", text, re.S)
    if not m:
        raise UsageError(f"{path}: no func.func @main(...) -> ... found")
    result = []
    for t in re.findall(r"tensor<([^>]*)>", m.group(1)):
        parts = t.split("x")
        dims = [None if p == "?" else int(p) for p in parts[:-1]]
        result.append((dims, parts[-1]))
    return result


def parse_main_results(path):
    """[(dims, elem)] of @main's results."""
    with open(path) as f:
        text = re.sub(r"//[^\n]*", "", f.read())
    m = re.search(r"func\.func\s+(?:public\s+)?@main\s*\(.*?\)\s*->\s*"
                  r"(\((?:[^()]|\([^()]*\))*\)|tensor<[^>]*>)", text, re.S)
    if not m:
        raise UsageError(f"{path}: no func.func @main(...) -> ... found")
    result = []
    for t in re.findall(r"tensor<([^>]*)>", m.group(1)):
        parts = t.split("x")
        result.append(([None if p == "?" else int(p) for p in parts[:-1]],
                       parts[-1]))
    return result


def result_roles(name, results):
    """Names of @main's results: "out" (the attention output) and, when the
    module returns it, "lse" (rank 3, f32). NAME_fp8's output must be
    bf16 (reference.output_type)."""
    roles = []
    for n, (dims, elem) in enumerate(results):
        if n == 0 and len(dims) == 4:
            want = MLIR_TYPE[ref.output_type(name)]
            if ref.element_type(name) == "fp8" and elem != want:
                raise UsageError(f"{name}: the output has element type {elem}, "
                                 f"expected {want}")
            roles.append("out")
        elif n == 1 and len(dims) == 3 and elem == "f32":
            roles.append("lse")
        else:
            raise UsageError(f"{name}: result #{n} tensor<{'x'.join('?' if d is None else str(d) for d in dims)}x{elem}> "
                             f"is neither the output [B,Hq,Sq,Dv] (first) nor "
                             f"the lse [B,Hq,Sq] f32 (second)")
    if not roles:
        raise UsageError(f"{name}: @main returns nothing")
    return roles


def bind_argument_dims(name, arg, shape, sdims, dynamic, dims):
    """Checks argument `arg`'s sizes `sdims` (None = '?') against the
    specified `shape`: integers must match, symbols in `dynamic` must be
    '?', the other symbols static and equal wherever they recur (bound in
    `dims`)."""
    if len(sdims) != len(shape):
        raise UsageError(f"{name}: argument {arg} has rank {len(sdims)}, "
                         f"expected {len(shape)}")
    for sym, d in zip(shape, sdims):
        if isinstance(sym, int):
            if d != sym:
                raise UsageError(f"{name}: argument {arg} needs {sym}, has {d}")
        elif sym in dynamic:
            if d is not None:
                raise UsageError(f"{name}: {sym} of argument {arg} must be "
                                 f"dynamic ('?')")
        elif d is None:
            raise UsageError(f"{name}: {sym} of argument {arg} must be static")
        elif dims.setdefault(sym, d) != d:
            raise UsageError(f"{name}: {sym} is {dims[sym]} and {d}")


def bind_dims(name, signature):
    """Static dims (Hq, D, ...) of `name` read off its example's signature;
    checks the argument count, ranks, element types and that B, Sq and Skv
    are dynamic."""
    spec = SPECS[name]
    if len(signature) != len(spec):
        raise UsageError(f"{name}: @main takes {len(signature)} tensors, "
                         f"VARIANTS.md lists {len(spec)}")
    dims = {}
    etype = ref.element_type(name)
    for (arg, shape, kind), (sdims, elem) in zip(spec, signature):
        want = MLIR_TYPE[etype] if kind == "qkv" else MLIR_ELEM[kind]
        if kind == "bias" and elem == etype and etype != "fp8":
            want = etype   # a bias of q's element type (f16, bf16) too
        if elem != want:
            raise UsageError(f"{name}: argument {arg} has element type {elem}, "
                             f"expected {want}")
        bind_argument_dims(name, arg, shape, sdims, DYNAMIC, dims)
    return dims


def attention_attributes(path):
    """The attribute dictionary `{...}` of the first attn.attention in
    `path` (modules without regions), as text; empty when there is none."""
    with open(path) as f:
        text = re.sub(r"//[^\n]*", "", f.read())
    attrs = re.search(r"attn\.attention[^{]*(\{[^}]*\})", text)
    return attrs.group(1) if attrs else ""
