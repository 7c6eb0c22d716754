"""Channel-gate chains for the importer's tests, in the form of
onnx_models.py (registered in its MODELS): the nn.Linear form of
squeeze-and-excitation written with MatMul and Add or with Gemm (also
with [1, out] biases and flattened by a Squeeze without axes), ECA's chain
with its Sigmoid in each place, and CBAM's spatial gate with reductions
written without axes, each fused and as a near miss that the importer must
convert node by node. The references are numpy float64 from the
definitions of the blocks.
"""

import numpy as np
from onnx import TensorProto, helper

from onnx_models import F32, const, model, register, tensor, uniform

I64 = TensorProto.INT64


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


@register("se_matmul", [dict(N=1, H=2, W=3), dict(N=3, H=5, W=1)])
class SqueezeExciteMatMul:
    """Squeeze-and-excitation with nn.Linear layers written as MatMul by
    [in, out] weights and an Add of the bias (the first with the bias on
    the left), constant reshape targets [-1, 16] and [0, 0, 1, 1] from
    Constant nodes placed after the GlobalAveragePool, and the gate on the
    left of the Mul; dynamic batch, height and width."""

    def __init__(self):
        rng = np.random.default_rng(16)
        self.w = [uniform(rng, (16, 4)), uniform(rng, (4,)),
                  uniform(rng, (4, 16)), uniform(rng, (16,))]

    def build(self, s):
        n = helper.make_node
        shape = helper.make_tensor
        nodes = [
            n("GlobalAveragePool", ["x"], ["pool"], name="pool"),
            n("Constant", [], ["flat_shape"], name="flat_shape",
              value=shape("v", I64, [2], [-1, 16])),
            n("Reshape", ["pool", "flat_shape"], ["z"], name="flatten"),
            n("MatMul", ["z", "w1"], ["m1"], name="fc1"),
            n("Add", ["b1", "m1"], ["h1"], name="fc1_bias"),
            n("Relu", ["h1"], ["h"], name="relu"),
            n("MatMul", ["h", "w2"], ["m2"], name="fc2"),
            n("Add", ["m2", "b2"], ["g"], name="fc2_bias"),
            n("Sigmoid", ["g"], ["s"], name="sigmoid"),
            n("Constant", [], ["gate_shape"], name="gate_shape",
              value=shape("v", I64, [4], [0, 0, 1, 1])),
            n("Reshape", ["s", "gate_shape"], ["gate"], name="unflatten"),
            n("Mul", ["gate", "x"], ["y"], name="scale"),
        ]
        inits = [const(k, v) for k, v in zip(["w1", "b1", "w2", "b2"],
                                             self.w)]
        return model(nodes, [tensor("x", F32, ["N", 16, "H", "W"])],
                     [tensor("y", F32, ["N", 16, "H", "W"])], inits)

    def inputs(self, rng, s):
        return [uniform(rng, (s["N"], 16, s["H"], s["W"]))]

    def reference(self, x):
        x = x[0].astype(np.float64)
        w1, b1, w2, b2 = (a.astype(np.float64) for a in self.w)
        h = np.maximum(x.mean(axis=(2, 3)) @ w1 + b1, 0)
        return [x * sigmoid(h @ w2 + b2)[:, :, None, None]]


class SqueezeExciteGemm(SqueezeExciteMatMul):
    """The same gate with each layer one Gemm by [in, out] weights (no
    transB) scaled by `alpha`, the gate broadcast by an Expand to Shape(x)
    (expand_as); constant reshape targets before the pool."""

    def __init__(self, alpha, bias_rows=None):
        super().__init__()
        self.alpha = alpha
        # Biases [rows, out] instead of [out] when given.
        if bias_rows is not None:
            rng = np.random.default_rng(18)
            self.w[1] = uniform(rng, (bias_rows, 4))
            self.w[3] = uniform(rng, (bias_rows, 16))

    def build(self, s):
        n = helper.make_node
        nodes = [
            n("Shape", ["x"], ["x_shape"], name="x_shape"),
            n("GlobalAveragePool", ["x"], ["pool"], name="pool"),
            n("Reshape", ["pool", "flat_shape"], ["z"], name="flatten"),
            n("Gemm", ["z", "w1", "b1"], ["h1"], name="fc1",
              alpha=self.alpha),
            n("Relu", ["h1"], ["h"], name="relu"),
            n("Gemm", ["h", "w2", "b2"], ["g"], name="fc2",
              alpha=self.alpha),
            n("Sigmoid", ["g"], ["s"], name="sigmoid"),
            n("Reshape", ["s", "gate_shape"], ["gate"], name="unflatten"),
            n("Expand", ["gate", "x_shape"], ["wide"], name="expand"),
            n("Mul", ["x", "wide"], ["y"], name="scale"),
        ]
        inits = [const(k, v) for k, v in zip(["w1", "b1", "w2", "b2"],
                                             self.w)]
        inits += [const("flat_shape", np.array([0, 16], np.int64)),
                  const("gate_shape", np.array([-1, 16, 1, 1], np.int64))]
        return model(nodes, [tensor("x", F32, ["N", 16, "H", "W"])],
                     [tensor("y", F32, ["N", 16, "H", "W"])], inits)

    def reference(self, x):
        x = x[0].astype(np.float64)
        w1, b1, w2, b2 = (a.astype(np.float64) for a in self.w)
        a = self.alpha
        h = np.maximum(a * (x.mean(axis=(2, 3)) @ w1) + b1, 0)
        return [x * sigmoid(a * (h @ w2) + b2)[:, :, None, None]]


@register("se_gemm", [dict(N=1, H=2, W=3), dict(N=3, H=5, W=1)])
class SqueezeExciteGemmPlain(SqueezeExciteGemm):
    """alpha 1: attn.squeeze_excite."""

    def __init__(self):
        super().__init__(1.0)


@register("se_gemm_scaled", [dict(N=1, H=2, W=3), dict(N=3, H=5, W=1)])
class SqueezeExciteGemmScaled(SqueezeExciteGemm):
    """A near miss: alpha 0.5 scales the products, which
    attn.squeeze_excite's layers do not."""

    def __init__(self):
        super().__init__(0.5)


@register("se_gemm_bias_row", [dict(N=1, H=2, W=3), dict(N=3, H=5, W=1)])
class SqueezeExciteGemmBiasRow(SqueezeExciteGemm):
    """Biases [1, out], which the Gemms broadcast as they do [out]:
    attn.squeeze_excite."""

    def __init__(self):
        super().__init__(1.0, bias_rows=1)


@register("se_gemm_bias_rows", [dict(N=2, H=2, W=3), dict(N=2, H=5, W=1)])
class SqueezeExciteGemmBiasRows(SqueezeExciteGemm):
    """A near miss: biases [2, out] give each of the two images its own
    bias, which attn.squeeze_excite cannot express."""

    def __init__(self):
        super().__init__(1.0, bias_rows=2)


class SqueezeExciteSqueeze(SqueezeExciteMatMul):
    """The Gemm form flattened by a Squeeze without axes (torch's
    squeeze()) and unflattened by a Reshape to [-1, 16, 1, 1]; a batch of
    the sizes' N when `static`, else dynamic."""

    def __init__(self, static):
        super().__init__()
        self.static = static

    def build(self, s):
        n = helper.make_node
        nodes = [
            n("GlobalAveragePool", ["x"], ["pool"], name="pool"),
            n("Squeeze", ["pool"], ["z"], name="squeeze"),
            n("Gemm", ["z", "w1", "b1"], ["h1"], name="fc1"),
            n("Relu", ["h1"], ["h"], name="relu"),
            n("Gemm", ["h", "w2", "b2"], ["g"], name="fc2"),
            n("Sigmoid", ["g"], ["s"], name="sigmoid"),
            n("Reshape", ["s", "gate_shape"], ["gate"], name="unflatten"),
            n("Mul", ["x", "gate"], ["y"], name="scale"),
        ]
        inits = [const(k, v) for k, v in zip(["w1", "b1", "w2", "b2"],
                                             self.w)]
        inits.append(const("gate_shape", np.array([-1, 16, 1, 1], np.int64)))
        batch = s["N"] if self.static else "N"
        return model(nodes, [tensor("x", F32, [batch, 16, "H", "W"])],
                     [tensor("y", F32, [batch, 16, "H", "W"])], inits)


@register("se_squeeze", [dict(N=2, H=2, W=3), dict(N=3, H=5, W=1)])
class SqueezeExciteSqueezeStatic(SqueezeExciteSqueeze):
    """Static batch 2 or 3: the Squeeze removes exactly the pooled axes,
    attn.squeeze_excite."""

    def __init__(self):
        super().__init__(True)


@register("se_squeeze_dynamic", [dict(N=2, H=2, W=3), dict(N=3, H=5, W=1)])
class SqueezeExciteSqueezeDynamic(SqueezeExciteSqueeze):
    """A near miss: with a dynamic batch the Squeeze would also remove the
    batch axis of a single image, so the chain is not a squeeze-and-
    excitation for every batch size."""

    def __init__(self):
        super().__init__(False)


class EfficientChannel:
    """ECA's chain as PyTorch exports it (GlobalAveragePool -> Squeeze ->
    Transpose -> Conv 1-D of width 3 -> Transpose -> Unsqueeze -> Sigmoid
    -> Mul) on 12 channels, with the Conv padded `pads`; dynamic batch,
    height and width. `sigmoids` lists the nodes after which a Sigmoid is
    applied ("conv", "transpose", "unsqueeze")."""

    def __init__(self, pads, sigmoids=("unsqueeze",)):
        self.pads = pads
        self.sigmoids = sigmoids
        self.w = uniform(np.random.default_rng(17), (1, 1, 3))

    def build(self, s):
        n = helper.make_node
        nodes = [
            n("GlobalAveragePool", ["x"], ["pool"], name="pool"),
            n("Squeeze", ["pool", "last"], ["z"], name="squeeze"),
            n("Transpose", ["z"], ["zt"], name="to_rows", perm=[0, 2, 1]),
        ]
        value = "zt"

        def then(op, after, **attrs):
            nonlocal value
            nodes.append(n(op, [value] + attrs.pop("extra", []),
                           [after], name=after, **attrs))
            value = after
            if after in self.sigmoids:
                nodes.append(n("Sigmoid", [value], [after + "_sigmoid"],
                               name=after + "_sigmoid"))
                value = after + "_sigmoid"

        then("Conv", "conv", extra=["w"], kernel_shape=[3], pads=self.pads)
        then("Transpose", "transpose", perm=[0, 2, 1])
        then("Unsqueeze", "unsqueeze", extra=["last"])
        nodes.append(n("Mul", ["x", value], ["y"], name="scale"))
        inits = [const("last", np.array([-1], np.int64)),
                 const("w", self.w)]
        return model(nodes, [tensor("x", F32, ["N", 12, "H", "W"])],
                     [tensor("y", F32, ["N", 12, "H", "W"])], inits)

    def inputs(self, rng, s):
        return [uniform(rng, (s["N"], 12, s["H"], s["W"]))]

    def reference(self, x):
        x = x[0].astype(np.float64)
        z = np.pad(x.mean(axis=(2, 3)), ((0, 0), tuple(self.pads)))
        w = self.w[0, 0].astype(np.float64)
        c = x.shape[1]
        s = sum(w[t] * z[:, t:t + c] for t in range(3))
        for _ in self.sigmoids:
            s = sigmoid(s)
        return [x * s[:, :, None, None]]


@register("eca_chain", [dict(N=1, H=3, W=3), dict(N=2, H=1, W=6)])
class EcaChain(EfficientChannel):
    """attn.eca's padding: (K-1)/2 zeros on each side."""

    def __init__(self):
        super().__init__([1, 1])


@register("eca_shifted", [dict(N=1, H=3, W=3), dict(N=2, H=1, W=6)])
class EcaShifted(EfficientChannel):
    """A near miss: padded [2, 0], each channel's gate comes from the two
    channels before it, which attn.eca cannot express."""

    def __init__(self):
        super().__init__([2, 0])


@register("eca_sigmoid_conv", [dict(N=1, H=3, W=3), dict(N=2, H=1, W=6)])
class EcaSigmoidConv(EfficientChannel):
    """The Sigmoid right after the Conv: attn.eca."""

    def __init__(self):
        super().__init__([1, 1], ("conv",))


@register("eca_sigmoid_transpose", [dict(N=1, H=3, W=3), dict(N=2, H=1, W=6)])
class EcaSigmoidTranspose(EfficientChannel):
    """The Sigmoid between the Transpose and the Unsqueeze: attn.eca."""

    def __init__(self):
        super().__init__([1, 1], ("transpose",))


@register("eca_sigmoid_twice", [dict(N=1, H=3, W=3), dict(N=2, H=1, W=6)])
class EcaSigmoidTwice(EfficientChannel):
    """A near miss: a second Sigmoid, after the Conv and after the
    Unsqueeze, which attn.eca does not apply."""

    def __init__(self):
        super().__init__([1, 1], ("conv", "unsqueeze"))


class SpatialGateAllAxes:
    """CBAM's spatial gate (ReduceMean and ReduceMax, Concat, 3x3 Conv,
    Sigmoid, Mul) on a static [N, 8, H, W] map, with both reductions
    written without axes, so over every axis."""

    def __init__(self):
        rng = np.random.default_rng(19)
        self.w = uniform(rng, (1, 2, 3, 3))
        self.b = uniform(rng, (1,))

    def build(self, s):
        n = helper.make_node
        nodes = [
            n("ReduceMean", ["x"], ["avg"], name="mean", keepdims=1),
            n("ReduceMax", ["x"], ["top"], name="max", keepdims=1),
            n("Concat", ["avg", "top"], ["cat"], name="cat", axis=1),
            n("Conv", ["cat", "w", "b"], ["c"], name="conv",
              kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
            n("Sigmoid", ["c"], ["gate"], name="sigmoid"),
            n("Mul", ["x", "gate"], ["y"], name="scale"),
        ]
        shape = [s["N"], 8, s["H"], s["W"]]
        return model(nodes, [tensor("x", F32, shape)],
                     [tensor("y", F32, shape)],
                     [const("w", self.w), const("b", self.b)])

    def inputs(self, rng, s):
        return [uniform(rng, (s["N"], 8, s["H"], s["W"]))]

    def reference(self, x):
        x = x[0].astype(np.float64)
        z = np.concatenate([x.mean(keepdims=True), x.max(keepdims=True)], 1)
        w = self.w.astype(np.float64)
        zp = np.pad(z, ((0, 0), (0, 0), (1, 1), (1, 1)))
        c = sum(w[0, ch, i, j] * zp[:, ch:ch + 1, i:i + 1, j:j + 1]
                for ch in range(2) for i in range(3) for j in range(3))
        return [x * sigmoid(c + self.b[0])]


@register("spatial_gate_all_axes", [dict(N=1, H=1, W=1)])
class SpatialGateAllAxesUnit(SpatialGateAllAxes):
    """Batch, height and width statically 1: reducing every axis is
    reducing the channels, attn.spatial_gate."""


@register("spatial_gate_all_axes_map", [dict(N=1, H=2, W=3)])
class SpatialGateAllAxesMap(SpatialGateAllAxes):
    """A near miss: on a 2x3 map the reductions pool the whole map, not
    each position's channels, which attn.spatial_gate cannot express."""
