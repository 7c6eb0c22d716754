"""Convolutional ONNX models for the importer's tests, in the form of
onnx_models.py (build/inputs/reference/sizes, registered in its MODELS).
The references are direct float64 loops over the kernel offsets, written
from the ONNX operator specification.
"""

import numpy as np
from onnx import TensorProto, helper

from onnx_models import F32, const, model, register, tensor, uniform


# --- references -------------------------------------------------------------

def f64(a):
    return np.asarray(a, dtype=np.float64)


def conv_ref(x, w, b=None, pads=(0, 0, 0, 0), strides=(1, 1), group=1):
    """x [N,C,H,W], w [M,C/group,kH,kW]; pads (top, left, bottom, right)."""
    x, w = f64(x), f64(w)
    n, c, h, wd = x.shape
    m, cg, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])))
    oh = (h + pads[0] + pads[2] - kh) // strides[0] + 1
    ow = (wd + pads[1] + pads[3] - kw) // strides[1] + 1
    out = np.zeros((n, m, oh, ow))
    mg = m // group
    for g in range(group):
        xs = xp[:, g * cg:(g + 1) * cg]
        ws = w[g * mg:(g + 1) * mg]
        for i in range(kh):
            for j in range(kw):
                patch = xs[:, :, i:i + strides[0] * (oh - 1) + 1:strides[0],
                           j:j + strides[1] * (ow - 1) + 1:strides[1]]
                out[:, g * mg:(g + 1) * mg] += np.einsum(
                    "nchw,mc->nmhw", patch, ws[:, :, i, j])
    if b is not None:
        out += f64(b)[None, :, None, None]
    return out


def batch_norm_ref(x, scale, shift, mean, var, eps):
    """Inference-mode BatchNormalization over the channels of [N, C, ...]."""
    per_channel = (slice(None),) + (None,) * (x.ndim - 2)
    k = f64(scale) / np.sqrt(f64(var) + eps)
    return (x - f64(mean)[per_channel]) * k[per_channel] + \
        f64(shift)[per_channel]


def max_pool_ref(x, k, s):
    n, c, h, w = x.shape
    oh, ow = (h - k) // s + 1, (w - k) // s + 1
    out = np.full((n, c, oh, ow), -np.inf)
    for i in range(k):
        for j in range(k):
            out = np.maximum(out, x[:, :, i:i + s * (oh - 1) + 1:s,
                                    j:j + s * (ow - 1) + 1:s])
    return out


def se_gate(x, w1, b1, w2, b2):
    """1x1 convolutions [R,C,1,1] and [C,R,1,1] on the channel means; the
    gate [N,C,1,1]."""
    z = x.mean(axis=(2, 3))
    h = np.maximum(z @ f64(w1)[:, :, 0, 0].T + f64(b1), 0)
    s = 1 / (1 + np.exp(-(h @ f64(w2)[:, :, 0, 0].T + f64(b2))))
    return s[:, :, None, None]


def squeeze_excite_ref(x, *weights):
    return x * se_gate(x, *weights)


def se_nodes(x, y, prefix):
    """GlobalAveragePool -> Conv 1x1 -> Relu -> Conv 1x1 -> Sigmoid -> Mul,
    as exporters write torchvision's SqueezeExcitation."""
    n = helper.make_node
    p = prefix
    return [
        n("GlobalAveragePool", [x], [p + "pool"], name=p + "pool"),
        n("Conv", [p + "pool", p + "w1", p + "b1"], [p + "fc1"],
          name=p + "fc1", kernel_shape=[1, 1]),
        n("Relu", [p + "fc1"], [p + "act"], name=p + "relu"),
        n("Conv", [p + "act", p + "w2", p + "b2"], [p + "fc2"],
          name=p + "fc2", kernel_shape=[1, 1]),
        n("Sigmoid", [p + "fc2"], [p + "gate"], name=p + "sigmoid"),
        n("Mul", [x, p + "gate"], [y], name=p + "scale"),
    ]


# --- models ------------------------------------------------------------------

@register("conv_block", [dict(N=1), dict(N=3)])
class ConvBlock:
    """Conv (3x3, pads 1, bias) -> BatchNormalization -> Relu -> MaxPool
    2x2/2 -> depthwise Conv (group = channels, SAME_UPPER, stride 2, no
    bias) -> squeeze-and-excitation; a dynamic batch."""

    def __init__(self):
        rng = np.random.default_rng(11)
        self.w = uniform(rng, (8, 3, 3, 3))
        self.b = uniform(rng, (8,))
        self.scale = uniform(rng, (8,), 0.5, 1.5)
        self.shift = uniform(rng, (8,))
        self.mean = uniform(rng, (8,))
        self.var = uniform(rng, (8,), 0.1, 2.0)
        self.dw = uniform(rng, (8, 1, 3, 3))
        self.se = [uniform(rng, (2, 8, 1, 1)), uniform(rng, (2,)),
                   uniform(rng, (8, 2, 1, 1)), uniform(rng, (8,))]

    def build(self, s):
        n = helper.make_node
        nodes = [
            n("Conv", ["x", "w", "b"], ["c"], name="conv", pads=[1, 1, 1, 1],
              kernel_shape=[3, 3]),
            n("BatchNormalization", ["c", "scale", "shift", "mean", "var"],
              ["bn"], name="bn", epsilon=1e-3),
            n("Relu", ["bn"], ["r"], name="relu"),
            n("MaxPool", ["r"], ["p"], name="pool", kernel_shape=[2, 2],
              strides=[2, 2]),
            n("Conv", ["p", "dw"], ["d"], name="depthwise", group=8,
              auto_pad="SAME_UPPER", strides=[2, 2]),
        ] + se_nodes("d", "y", "se_")
        inits = [const("w", self.w), const("b", self.b),
                 const("scale", self.scale), const("shift", self.shift),
                 const("mean", self.mean), const("var", self.var),
                 const("dw", self.dw)]
        inits += [const("se_" + k, v)
                  for k, v in zip(["w1", "b1", "w2", "b2"], self.se)]
        return model(nodes, [tensor("x", F32, ["N", 3, 16, 16])],
                     [tensor("y", F32, ["N", 8, 4, 4])], inits)

    def inputs(self, rng, s):
        return [uniform(rng, (s["N"], 3, 16, 16))]

    def reference(self, x):
        c = conv_ref(x[0], self.w, self.b, pads=(1, 1, 1, 1))
        bn = batch_norm_ref(c, self.scale, self.shift, self.mean, self.var,
                            1e-3)
        p = max_pool_ref(np.maximum(bn, 0), 2, 2)
        # SAME_UPPER, 8 -> 4 with stride 2: 1 padding row/column, at the end.
        d = conv_ref(p, self.dw, pads=(0, 0, 1, 1), strides=(2, 2), group=8)
        return [squeeze_excite_ref(d, *self.se)]


@register("squeeze_excite", [dict(N=1, H=1, W=1), dict(N=2, H=7, W=9)])
class SqueezeExcite:
    """torchvision's SqueezeExcitation on a map whose batch, height and
    width are all dynamic."""

    def __init__(self):
        rng = np.random.default_rng(12)
        self.se = [uniform(rng, (4, 16, 1, 1)), uniform(rng, (4,)),
                   uniform(rng, (16, 4, 1, 1)), uniform(rng, (16,))]

    def build(self, s):
        inits = [const(k, v) for k, v in zip(["w1", "b1", "w2", "b2"],
                                             self.se)]
        return model(se_nodes("x", "y", ""),
                     [tensor("x", F32, ["N", 16, "H", "W"])],
                     [tensor("y", F32, ["N", 16, "H", "W"])], inits)

    def inputs(self, rng, s):
        return [uniform(rng, (s["N"], 16, s["H"], s["W"]))]

    def reference(self, x):
        return [squeeze_excite_ref(f64(x[0]), *self.se)]


@register("squeeze_excite_unfused", [dict(N=2, H=5, W=3),
                                     dict(N=1, H=1, W=4)])
class SqueezeExciteUnfused(SqueezeExcite):
    """The same chain with the gate also a graph output: the importer
    cannot fuse it, so GlobalAveragePool and the 1x1 Convs run as such;
    and a 1x1 Conv with bias over the whole dynamic H x W map."""

    def __init__(self):
        super().__init__()
        rng = np.random.default_rng(14)
        self.proj = [uniform(rng, (8, 16, 1, 1)), uniform(rng, (8,))]

    def build(self, s):
        m = super().build(s)
        m.graph.node.append(helper.make_node(
            "Conv", ["x", "pw", "pb"], ["proj"], name="proj"))
        m.graph.initializer.extend([const("pw", self.proj[0]),
                                    const("pb", self.proj[1])])
        m.graph.output.extend([tensor("gate", F32, ["N", 16, 1, 1]),
                               tensor("proj", F32, ["N", 8, "H", "W"])])
        return m

    def reference(self, x):
        x = f64(x[0])
        return [squeeze_excite_ref(x, *self.se), se_gate(x, *self.se),
                conv_ref(x, *self.proj)]


class SeResNetBlock:
    """SE-ResNet's basic block (Hu et al., squeeze-and-excitation networks):
    Conv 3x3 (pads 1, no bias) -> BatchNormalization -> Relu -> Conv 3x3 ->
    BatchNormalization -> squeeze-and-excitation (reduction r) -> Add the
    block's input -> Relu; C channels in and out, a dynamic batch. The
    importer's test runs it small; bench/peers/make_se_resnet.py builds it
    at ResNet sizes."""

    def __init__(self, C=32, H=10, W=10, r=16, seed=15):
        self.C, self.H, self.W = C, H, W
        rng = np.random.default_rng(seed)
        # Kaiming-like weight scales keep activations O(1) through the block
        # at any C, so the tolerance checks mean the same thing at every size.
        conv_scale = np.sqrt(3.0 / (9 * C))
        self.convs = [uniform(rng, (C, C, 3, 3), -conv_scale, conv_scale)
                      for _ in range(2)]
        self.bns = [[uniform(rng, (C,), 0.5, 1.5), uniform(rng, (C,)),
                     uniform(rng, (C,)), uniform(rng, (C,), 0.1, 2.0)]
                    for _ in range(2)]
        red = max(C // r, 1)
        self.se = [uniform(rng, (red, C, 1, 1)), uniform(rng, (red,)),
                   uniform(rng, (C, red, 1, 1)), uniform(rng, (C,))]

    def build(self, s):
        n = helper.make_node

        def conv_bn(x, i, y):
            stats = [f"bn{i}_{k}" for k in ("scale", "shift", "mean", "var")]
            return [n("Conv", [x, f"w{i}"], [f"c{i}"], name=f"conv{i}",
                      kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
                    n("BatchNormalization", [f"c{i}"] + stats, [y],
                      name=f"bn{i}")]
        nodes = conv_bn("x", 1, "b1") + [n("Relu", ["b1"], ["r1"],
                                           name="relu1")]
        nodes += conv_bn("r1", 2, "b2")
        nodes += se_nodes("b2", "se", "se_")
        nodes += [n("Add", ["se", "x"], ["sum"], name="residual"),
                  n("Relu", ["sum"], ["y"], name="relu2")]
        inits = [const(f"w{i + 1}", w) for i, w in enumerate(self.convs)]
        for i, stats in enumerate(self.bns):
            inits += [const(f"bn{i + 1}_{k}", v) for k, v in
                      zip(("scale", "shift", "mean", "var"), stats)]
        inits += [const("se_" + k, v)
                  for k, v in zip(["w1", "b1", "w2", "b2"], self.se)]
        shape = ["N", self.C, self.H, self.W]
        return model(nodes, [tensor("x", F32, shape)],
                     [tensor("y", F32, shape)], inits)

    def inputs(self, rng, s):
        return [uniform(rng, (s["N"], self.C, self.H, self.W))]

    def reference(self, x):
        x = f64(x[0])
        h = x
        for i in range(2):
            h = conv_ref(h, self.convs[i], pads=(1, 1, 1, 1))
            h = batch_norm_ref(h, *self.bns[i], 1e-5)
            if i == 0:
                h = np.maximum(h, 0)
        return [np.maximum(squeeze_excite_ref(h, *self.se) + x, 0)]


register("se_resnet_block", [dict(N=2), dict(N=1)])(SeResNetBlock)


@register("shape_fill", [dict(B=1, S=1), dict(B=3, S=6)])
class ShapeFill:
    """Range up to a dynamic length from Shape, ConstantOfShape of a
    folded [S, S] shape, Trilu (lower, k = -1), Expand to Shape(x) and a
    1-D Conv over the sequence (ECA's form)."""

    def __init__(self):
        rng = np.random.default_rng(13)
        self.w = uniform(rng, (1, 1, 3))

    def build(self, s):
        n = helper.make_node
        I64 = TensorProto.INT64
        nodes = [
            n("Shape", ["x"], ["shape"], name="shape"),
            n("Gather", ["shape", "one"], ["len"], name="len", axis=0),
            n("Range", ["zero", "len", "step"], ["pos"], name="range"),
            n("Cast", ["pos"], ["posf"], name="cast", to=TensorProto.FLOAT),
            n("Expand", ["posf", "shape"], ["posb"], name="expand"),
            n("Add", ["x", "posb"], ["y1"], name="add"),
            n("Unsqueeze", ["len", "axis0"], ["len1"], name="unsq"),
            n("Concat", ["len1", "len1"], ["square"], name="square",
              axis=0),
            n("ConstantOfShape", ["square"], ["ones"], name="ones",
              value=helper.make_tensor("v", F32, [1], [1.0])),
            n("Trilu", ["ones", "minus1"], ["tri"], name="tri", upper=0),
            n("MatMul", ["x", "tri"], ["y2"], name="mm"),
            n("Unsqueeze", ["x", "axis1"], ["x3"], name="unsq3"),
            n("Conv", ["x3", "w"], ["c"], name="conv1d", pads=[1, 1]),
            n("Squeeze", ["c", "axis1"], ["y3"], name="sq"),
        ]
        inits = [const("one", np.array(1, np.int64)),
                 const("zero", np.array(0, np.int64)),
                 const("step", np.array(1, np.int64)),
                 const("minus1", np.array(-1, np.int64)),
                 const("axis0", np.array([0], np.int64)),
                 const("axis1", np.array([1], np.int64)),
                 const("w", self.w)]
        out = tensor("y1", F32, ["B", "S"])
        return model(nodes, [tensor("x", F32, ["B", "S"])],
                     [out, tensor("y2", F32, ["B", "S"]),
                      tensor("y3", F32, ["B", "S"])], inits)

    def inputs(self, rng, s):
        return [uniform(rng, (s["B"], s["S"]))]

    def reference(self, x):
        x = f64(x[0])
        b, s = x.shape
        y1 = x + np.arange(s)[None, :]
        i, j = np.indices((s, s))
        tri = (j - i <= -1).astype(np.float64)
        xp = np.pad(x, ((0, 0), (1, 1)))
        w = f64(self.w)[0, 0]
        y3 = sum(w[t] * xp[:, t:t + s] for t in range(3))
        return [y1, x @ tri, y3]


if __name__ == "__main__":
    # cnn_models.py NAME OUT.onnx: saves the model (of this file or
    # gate_models.py) at its first sizes.
    import sys
    import onnx
    import gate_models  # noqa: F401 (registers its models in MODELS)
    from onnx_models import MODELS
    spec = MODELS[sys.argv[1]]
    onnx.save(spec.build(spec.sizes[0]), sys.argv[2])
