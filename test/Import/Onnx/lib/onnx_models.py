"""ONNX models for the importer's tests, each with a float64 reference.

Every model is built with the onnx package's helpers (no exporter in the
loop), so the graph is exactly what the test says. A reference is written
from the ONNX operator specification in numpy float64 and shares nothing
with the importer. A MODEL entry gives:

  build(sizes)   -> onnx.ModelProto (dimension names for the dynamic sizes)
  inputs(rng, sizes) -> list of numpy arrays, in graph input order
  reference(inputs)  -> list of float64 (or bool/int) arrays, in output order
  sizes          -> list of dicts of sizes to run
"""

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

F32 = TensorProto.FLOAT


def model(nodes, inputs, outputs, initializers=(), opset=17):
    graph = helper.make_graph(nodes, "test", inputs, outputs,
                              list(initializers))
    m = helper.make_model(graph,
                          opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 8
    return m


def tensor(name, elem, shape):
    return helper.make_tensor_value_info(name, elem, shape)


def const(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


# --- references -------------------------------------------------------------

def softmax(x, axis=-1):
    x = x - np.max(x, axis=axis, keepdims=True)
    e = np.exp(x)
    return e / np.sum(e, axis=axis, keepdims=True)


def attention_ref(q, k, v, scale=None, mask=None, bias=None, causal=False,
                  softcap=0.0, top_left=False):
    """q [B,Hq,Sq,D], k/v [B,Hkv,Skv,*]; causal bottom-right (query i sees
    keys j <= i + Skv - Sq), or top-left (j <= i)."""
    q, k, v = (a.astype(np.float64) for a in (q, k, v))
    group = q.shape[1] // k.shape[1]
    k = np.repeat(k, group, axis=1)
    v = np.repeat(v, group, axis=1)
    d = q.shape[-1]
    scale = 1.0 / np.sqrt(d) if scale is None else scale
    s = np.einsum("bhid,bhjd->bhij", q, k) * scale
    if bias is not None:
        s = s + bias.astype(np.float64)
    if softcap:
        s = softcap * np.tanh(s / softcap)
    sq, skv = s.shape[-2], s.shape[-1]
    visible = np.ones(s.shape, dtype=bool)
    if causal:
        i = np.arange(sq)[:, None] + (0 if top_left else skv - sq)
        j = np.arange(skv)[None, :]
        visible = visible & (j <= i)
    if mask is not None:
        visible = visible & mask
    s = np.where(visible, s, -np.inf)
    m = np.max(s, axis=-1, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    e = np.where(visible, np.exp(s - m), 0.0)
    total = e.sum(axis=-1, keepdims=True)
    p = np.divide(e, total, out=np.zeros_like(e), where=total > 0)
    return np.einsum("bhij,bhjd->bhid", p, v)


def split_heads(x, heads):
    b, s, e = x.shape
    return x.reshape(b, s, heads, e // heads).transpose(0, 2, 1, 3)


def merge_heads(x):
    b, h, s, d = x.shape
    return x.transpose(0, 2, 1, 3).reshape(b, s, h * d)


def erf(x):
    from math import erf as scalar_erf
    return np.vectorize(scalar_erf)(x)


def layer_norm(x, g, b, eps=1e-5):
    mu = x.mean(axis=-1, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * g + b


def uniform(rng, shape, low=-1.0, high=1.0):
    return rng.uniform(low, high, size=shape).astype(np.float32)


# --- models ------------------------------------------------------------------

MODELS = {}


def register(name, sizes):
    def wrap(cls):
        cls.sizes = sizes
        MODELS[name] = cls()
        return cls
    return wrap


@register("attention_4d", [dict(B=1, Sq=5, Skv=7), dict(B=2, Sq=33, Skv=64),
                           dict(B=1, Sq=1, Skv=130)])
class Attention4d:
    def build(self, s):
        node = helper.make_node("Attention", ["q", "k", "v"], ["y"],
                                name="attn")
        return model([node],
                     [tensor("q", F32, ["B", 4, "Sq", 16]),
                      tensor("k", F32, ["B", 4, "Skv", 16]),
                      tensor("v", F32, ["B", 4, "Skv", 16])],
                     [tensor("y", F32, ["B", 4, "Sq", 16])], opset=23)

    def inputs(self, rng, s):
        return [uniform(rng, (s["B"], 4, s["Sq"], 16)),
                uniform(rng, (s["B"], 4, s["Skv"], 16)),
                uniform(rng, (s["B"], 4, s["Skv"], 16))]

    def reference(self, x):
        return [attention_ref(*x)]


@register("attention_3d_gqa", [dict(B=1, S=9), dict(B=2, S=40)])
class Attention3dGqa:
    """3-D inputs, 8 query heads sharing 2 key-value heads, explicit scale."""

    def build(self, s):
        node = helper.make_node("Attention", ["q", "k", "v"], ["y"],
                                name="attn", q_num_heads=8, kv_num_heads=2,
                                scale=0.3)
        return model([node],
                     [tensor("q", F32, ["B", "S", 128]),
                      tensor("k", F32, ["B", "S", 32]),
                      tensor("v", F32, ["B", "S", 32])],
                     [tensor("y", F32, ["B", "S", 128])], opset=23)

    def inputs(self, rng, s):
        return [uniform(rng, (s["B"], s["S"], 128)),
                uniform(rng, (s["B"], s["S"], 32)),
                uniform(rng, (s["B"], s["S"], 32))]

    def reference(self, x):
        q, k, v = split_heads(x[0], 8), split_heads(x[1], 2), \
            split_heads(x[2], 2)
        return [merge_heads(attention_ref(q, k, v, scale=0.3))]


@register("attention_causal", [dict(B=1, S=1), dict(B=2, S=17),
                               dict(B=1, S=100)])
class AttentionCausal:
    """is_causal without a cache: query i sees keys j <= i (Sq = Skv)."""

    def build(self, s):
        node = helper.make_node("Attention", ["q", "k", "v"], ["y"],
                                name="attn", is_causal=1)
        return model([node],
                     [tensor("q", F32, ["B", 2, "S", 32]),
                      tensor("k", F32, ["B", 2, "S", 32]),
                      tensor("v", F32, ["B", 2, "S", 32])],
                     [tensor("y", F32, ["B", 2, "S", 32])], opset=23)

    def inputs(self, rng, s):
        return [uniform(rng, (s["B"], 2, s["S"], 32)) for _ in range(3)]

    def reference(self, x):
        return [attention_ref(*x, causal=True)]


@register("attention_causal_cross", [dict(B=1, Sq=5, Skv=9),
                                     dict(B=2, Sq=9, Skv=5),
                                     dict(B=1, Sq=70, Skv=130),
                                     dict(B=1, Sq=130, Skv=70)])
class AttentionCausalCross:
    """is_causal without a cache and Sq != Skv: aligned top-left as in
    PyTorch's scaled_dot_product_attention (query i sees keys j <= i, so
    rows past Skv see every key and no row is empty)."""

    def build(self, s):
        node = helper.make_node("Attention", ["q", "k", "v"], ["y"],
                                name="attn", is_causal=1)
        return model([node],
                     [tensor("q", F32, ["B", 2, "Sq", 32]),
                      tensor("k", F32, ["B", 2, "Skv", 32]),
                      tensor("v", F32, ["B", 2, "Skv", 32])],
                     [tensor("y", F32, ["B", 2, "Sq", 32])], opset=23)

    def inputs(self, rng, s):
        return [uniform(rng, (s["B"], 2, s["Sq"], 32)),
                uniform(rng, (s["B"], 2, s["Skv"], 32)),
                uniform(rng, (s["B"], 2, s["Skv"], 32))]

    def reference(self, x):
        return [attention_ref(*x, causal=True, top_left=True)]


@register("attention_bool_mask", [dict(B=1, Sq=6, Skv=6),
                                  dict(B=2, Sq=20, Skv=33)])
class AttentionBoolMask:
    """A [Sq, Skv] boolean mask (true = takes part), every row keeps its
    first key."""

    def build(self, s):
        node = helper.make_node("Attention", ["q", "k", "v", "m"], ["y"],
                                name="attn")
        return model([node],
                     [tensor("q", F32, ["B", 2, "Sq", 16]),
                      tensor("k", F32, ["B", 2, "Skv", 16]),
                      tensor("v", F32, ["B", 2, "Skv", 16]),
                      tensor("m", TensorProto.BOOL, ["Sq", "Skv"])],
                     [tensor("y", F32, ["B", 2, "Sq", 16])], opset=23)

    def inputs(self, rng, s):
        m = rng.uniform(size=(s["Sq"], s["Skv"])) < 0.6
        m[:, 0] = True
        return [uniform(rng, (s["B"], 2, s["Sq"], 16)),
                uniform(rng, (s["B"], 2, s["Skv"], 16)),
                uniform(rng, (s["B"], 2, s["Skv"], 16)), m]

    def reference(self, x):
        return [attention_ref(x[0], x[1], x[2], mask=x[3][None, None])]


@register("attention_decomposed", [dict(B=1, Sq=6, Skv=6),
                                   dict(B=2, Sq=20, Skv=33)])
class AttentionDecomposed:
    """Attention as a frontend without a Softmax op writes it: Q K^T times a
    scale, Where(mask, s, -inf), then ReduceMax/Sub/Exp/ReduceSum/Div and
    P V. Every row keeps its first key."""

    def build(self, s):
        nodes = [
            helper.make_node("Transpose", ["k"], ["kt"], perm=[0, 1, 3, 2]),
            helper.make_node("MatMul", ["q", "kt"], ["s0"]),
            helper.make_node("Mul", ["s0", "c"], ["s1"]),
            helper.make_node("Where", ["m", "s1", "ninf"], ["s"]),
            helper.make_node("ReduceMax", ["s"], ["mx"], axes=[-1],
                             keepdims=1),
            helper.make_node("Sub", ["s", "mx"], ["d"]),
            helper.make_node("Exp", ["d"], ["e"]),
            helper.make_node("ReduceSum", ["e", "axis"], ["z"], keepdims=1),
            helper.make_node("Div", ["e", "z"], ["p"]),
            helper.make_node("MatMul", ["p", "v"], ["y"]),
        ]
        return model(nodes,
                     [tensor("q", F32, ["B", 2, "Sq", 16]),
                      tensor("k", F32, ["B", 2, "Skv", 16]),
                      tensor("v", F32, ["B", 2, "Skv", 16]),
                      tensor("m", TensorProto.BOOL, ["Sq", "Skv"])],
                     [tensor("y", F32, ["B", 2, "Sq", 16])],
                     [const("c", np.float32(0.3)),
                      const("ninf", np.float32(-np.inf)),
                      const("axis", np.array([-1], np.int64))])

    def inputs(self, rng, s):
        return AttentionBoolMask().inputs(rng, s)

    def reference(self, x):
        return [attention_ref(x[0], x[1], x[2], scale=0.3,
                              mask=x[3][None, None])]


@register("attention_gqa_unfused", [dict(B=1, Sq=5, Skv=5),
                                    dict(B=2, Sq=19, Skv=40)])
class AttentionGqaUnfused:
    """Grouped-query attention as exporters write it without the Attention
    op: K and V of 2 kv heads unsqueezed, Expanded to 4 copies and reshaped
    to the 8 query heads (Shape/Gather/Concat targets, dynamic batch and
    lengths), then MatMul/Mul/Softmax/MatMul."""

    def build(self, s):
        nodes = []
        for x in ("k", "v"):
            nodes += [
                helper.make_node("Unsqueeze", [x, "ax2"], [x + "_u"]),
                helper.make_node("Shape", [x], [x + "_shape"]),
                helper.make_node("Gather", [x + "_shape", "i0"], [x + "_b"]),
                helper.make_node("Gather", [x + "_shape", "i2"], [x + "_s"]),
                helper.make_node("Concat", [x + "_b", "hkv", "groups",
                                            x + "_s", "d"], [x + "_to"],
                                 axis=0),
                helper.make_node("Expand", [x + "_u", x + "_to"],
                                 [x + "_e"]),
                helper.make_node("Concat", [x + "_b", "hq", x + "_s", "d"],
                                 [x + "_heads"], axis=0),
                helper.make_node("Reshape", [x + "_e", x + "_heads"],
                                 [x + "_r"]),
            ]
        nodes += [
            helper.make_node("Transpose", ["k_r"], ["kt"], perm=[0, 1, 3, 2]),
            helper.make_node("MatMul", ["q", "kt"], ["s0"]),
            helper.make_node("Mul", ["s0", "c"], ["s"]),
            helper.make_node("Softmax", ["s"], ["p"], axis=-1),
            helper.make_node("MatMul", ["p", "v_r"], ["y"]),
        ]
        ints = dict(ax2=[2], i0=[0], i2=[2], hkv=[2], groups=[4], d=[16],
                    hq=[8])
        return model(nodes,
                     [tensor("q", F32, ["B", 8, "Sq", 16]),
                      tensor("k", F32, ["B", 2, "Skv", 16]),
                      tensor("v", F32, ["B", 2, "Skv", 16])],
                     [tensor("y", F32, ["B", 8, "Sq", 16])],
                     [const(n, np.array(v, np.int64))
                      for n, v in ints.items()] +
                     [const("c", np.float32(0.25))])

    def inputs(self, rng, s):
        return [uniform(rng, (s["B"], 8, s["Sq"], 16)),
                uniform(rng, (s["B"], 2, s["Skv"], 16)),
                uniform(rng, (s["B"], 2, s["Skv"], 16))]

    def reference(self, x):
        return [attention_ref(*x, scale=0.25)]


@register("attention_bias_softcap", [dict(B=1, Sq=3, Skv=12),
                                     dict(B=2, Sq=31, Skv=31)])
class AttentionBiasSoftcap:
    """A float [B,1,Sq,Skv] mask is added to the scores, then softcap."""

    def build(self, s):
        node = helper.make_node("Attention", ["q", "k", "v", "bias"], ["y"],
                                name="attn", softcap=2.0)
        return model([node],
                     [tensor("q", F32, ["B", 2, "Sq", 16]),
                      tensor("k", F32, ["B", 2, "Skv", 16]),
                      tensor("v", F32, ["B", 2, "Skv", 16]),
                      tensor("bias", F32, ["B", 1, "Sq", "Skv"])],
                     [tensor("y", F32, ["B", 2, "Sq", 16])], opset=23)

    def inputs(self, rng, s):
        return [uniform(rng, (s["B"], 2, s["Sq"], 16), -3, 3),
                uniform(rng, (s["B"], 2, s["Skv"], 16), -3, 3),
                uniform(rng, (s["B"], 2, s["Skv"], 16)),
                uniform(rng, (s["B"], 1, s["Sq"], s["Skv"]))]

    def reference(self, x):
        return [attention_ref(x[0], x[1], x[2], bias=x[3], softcap=2.0)]


@register("attention_kv_cache", [dict(B=1, P=4, S=1), dict(B=2, P=30, S=5)])
class AttentionKvCache:
    """past_key/past_value in front of K and V; is_causal is bottom-right
    (the queries are the newest positions); present_* are outputs. The
    lengths are static: present's length P + S is not a size the C ABI can
    take from the arguments."""

    def build(self, s):
        p, n = s["P"], s["S"]
        node = helper.make_node(
            "Attention", ["q", "k", "v", "", "pk", "pv"],
            ["y", "present_k", "present_v"], name="attn", is_causal=1)
        return model([node],
                     [tensor("q", F32, ["B", 2, n, 16]),
                      tensor("k", F32, ["B", 2, n, 16]),
                      tensor("v", F32, ["B", 2, n, 16]),
                      tensor("pk", F32, ["B", 2, p, 16]),
                      tensor("pv", F32, ["B", 2, p, 16])],
                     [tensor("y", F32, ["B", 2, n, 16]),
                      tensor("present_k", F32, ["B", 2, p + n, 16]),
                      tensor("present_v", F32, ["B", 2, p + n, 16])],
                     opset=23)

    def inputs(self, rng, s):
        b, p, n = s["B"], s["P"], s["S"]
        return [uniform(rng, (b, 2, n, 16)), uniform(rng, (b, 2, n, 16)),
                uniform(rng, (b, 2, n, 16)), uniform(rng, (b, 2, p, 16)),
                uniform(rng, (b, 2, p, 16))]

    def reference(self, x):
        q, k, v, pk, pv = x
        k = np.concatenate([pk, k], axis=2)
        v = np.concatenate([pv, v], axis=2)
        return [attention_ref(q, k, v, causal=True), k, v]


@register("mlp", [dict(N=1), dict(N=37)])
class Mlp:
    """Gemm with transposed constant weights (nn.Linear), Relu, MatMul, Add,
    Sigmoid."""

    def __init__(self):
        rng = np.random.default_rng(7)
        self.w1 = uniform(rng, (48, 20))
        self.b1 = uniform(rng, (48,))
        self.w2 = uniform(rng, (48, 24))
        self.b2 = uniform(rng, (24,))

    def build(self, s):
        nodes = [
            helper.make_node("Gemm", ["x", "w1", "b1"], ["h"], name="fc1",
                             transB=1),
            helper.make_node("Relu", ["h"], ["r"], name="relu"),
            helper.make_node("MatMul", ["r", "w2"], ["m"], name="fc2"),
            helper.make_node("Add", ["m", "b2"], ["a"], name="bias"),
            helper.make_node("Sigmoid", ["a"], ["y"], name="gate"),
        ]
        return model(nodes, [tensor("x", F32, ["N", 20])],
                     [tensor("y", F32, ["N", 24])],
                     [const("w1", self.w1), const("b1", self.b1),
                      const("w2", self.w2), const("b2", self.b2)])

    def inputs(self, rng, s):
        return [uniform(rng, (s["N"], 20))]

    def reference(self, x):
        f = lambda a: a.astype(np.float64)
        h = np.maximum(f(x[0]) @ f(self.w1).T + f(self.b1), 0)
        return [1 / (1 + np.exp(-(h @ f(self.w2) + f(self.b2))))]


@register("encoder_block", [dict(B=1, S=1), dict(B=2, S=19)])
class EncoderBlock:
    """What exporters write for a pre-norm encoder block without the fused
    op: LayerNormalization, projections, the Shape/Gather/Unsqueeze/Concat
    chain for the head split, Reshape/Transpose, the unfused
    MatMul/Div/Softmax/MatMul attention, erf GELU from primitives, residual
    adds."""

    E, H, F = 32, 4, 64

    def __init__(self):
        rng = np.random.default_rng(11)
        E, F = self.E, self.F
        self.w = {n: uniform(rng, shape, -0.3, 0.3) for n, shape in
                  [("wq", (E, E)), ("wk", (E, E)), ("wv", (E, E)),
                   ("wo", (E, E)), ("w1", (E, F)), ("w2", (F, E))]}
        self.w.update({"g": uniform(rng, (E,), 0.5, 1.5),
                       "b": uniform(rng, (E,), -0.2, 0.2),
                       "c1": uniform(rng, (F,), -0.2, 0.2)})

    def build(self, s):
        E, H = self.E, self.H
        D = E // H
        n = helper.make_node
        nodes = [
            n("LayerNormalization", ["x", "g", "b"], ["ln"], name="ln",
              axis=-1, epsilon=1e-5),
            n("MatMul", ["ln", "wq"], ["q"], name="q_proj"),
            n("MatMul", ["ln", "wk"], ["k"], name="k_proj"),
            n("MatMul", ["ln", "wv"], ["v"], name="v_proj"),
            n("Shape", ["x"], ["shape"], name="shape"),
            n("Gather", ["shape", "i0"], ["batch"], name="g0", axis=0),
            n("Gather", ["shape", "i1"], ["seq"], name="g1", axis=0),
            n("Unsqueeze", ["batch", "axis0"], ["batch1"], name="u0"),
            n("Unsqueeze", ["seq", "axis0"], ["seq1"], name="u1"),
            n("Concat", ["batch1", "seq1", "heads_dim"], ["split"],
              name="split_shape", axis=0),
        ]
        for t in "qkv":
            nodes += [n("Reshape", [t, "split"], [t + "4"], name=t + "_split"),
                      n("Transpose", [t + "4"], [t + "h"], name=t + "_t",
                        perm=[0, 2, 1, 3] if t != "k" else [0, 2, 3, 1])]
        nodes += [
            n("MatMul", ["qh", "kh"], ["scores"], name="qk"),
            n("Div", ["scores", "sqrt_d"], ["scaled"], name="scale"),
            n("Softmax", ["scaled"], ["p"], name="softmax", axis=-1),
            n("MatMul", ["p", "vh"], ["o"], name="pv"),
            n("Transpose", ["o"], ["ot"], name="o_t", perm=[0, 2, 1, 3]),
            n("Reshape", ["ot", "merge"], ["om"], name="merge_heads"),
            n("MatMul", ["om", "wo"], ["attn"], name="o_proj"),
            n("Add", ["x", "attn"], ["y"], name="residual1"),
            n("MatMul", ["y", "w1"], ["f1"], name="ffn1"),
            n("Add", ["f1", "c1"], ["f1b"], name="ffn1_bias"),
            n("Div", ["f1b", "sqrt2"], ["gd"], name="gelu_div"),
            n("Erf", ["gd"], ["ge"], name="gelu_erf"),
            n("Add", ["ge", "one"], ["gp"], name="gelu_add"),
            n("Mul", ["f1b", "gp"], ["gm"], name="gelu_mul"),
            n("Mul", ["gm", "half"], ["gelu"], name="gelu_half"),
            n("MatMul", ["gelu", "w2"], ["f2"], name="ffn2"),
            n("Add", ["y", "f2"], ["z"], name="residual2"),
        ]
        inits = [const(k, v) for k, v in self.w.items()] + [
            const("i0", np.array(0, np.int64)),
            const("i1", np.array(1, np.int64)),
            const("axis0", np.array([0], np.int64)),
            const("heads_dim", np.array([H, D], np.int64)),
            const("merge", np.array([0, 0, -1], np.int64)),
            const("sqrt_d", np.array(np.sqrt(D), np.float32)),
            const("sqrt2", np.array(np.sqrt(2.0), np.float32)),
            const("one", np.array(1.0, np.float32)),
            const("half", np.array(0.5, np.float32)),
        ]
        return model(nodes, [tensor("x", F32, ["B", "S", E])],
                     [tensor("z", F32, ["B", "S", E])], inits)

    def inputs(self, rng, s):
        return [uniform(rng, (s["B"], s["S"], self.E))]

    def reference(self, x):
        w = {k: v.astype(np.float64) for k, v in self.w.items()}
        x = x[0].astype(np.float64)
        ln = layer_norm(x, w["g"], w["b"])
        q, k, v = (split_heads(ln @ w[n], self.H) for n in ("wq", "wk", "wv"))
        o = merge_heads(attention_ref(q, k, v))
        y = x + o @ w["wo"]
        f = y @ w["w1"] + w["c1"]
        g = 0.5 * f * (1 + erf(f / np.sqrt(2)))
        return [y + g @ w["w2"]]


@register("torch_mha", [dict(S=1, B=1), dict(S=13, B=3)])
class TorchMha:
    """nn.MultiheadAttention (batch_first=False) as PyTorch's exporter
    writes it at opset 17: one in-projection split in three, heads as
    [S, B*H, D] through Shape/Gather/Mul/Concat reshape targets and
    transposes to [B*H, S, D], Q divided by sqrt(D), K transposed twice,
    an additive [1, S, S] mask, Softmax, the out-projection as Gemm."""

    E, H = 32, 4

    def __init__(self):
        rng = np.random.default_rng(13)
        E = self.E
        self.w_in = uniform(rng, (E, 3 * E), -0.3, 0.3)
        self.b_in = uniform(rng, (3 * E,), -0.1, 0.1)
        self.w_out = uniform(rng, (E, E), -0.3, 0.3)
        self.b_out = uniform(rng, (E,), -0.1, 0.1)

    def build(self, s):
        E, H = self.E, self.H
        D = E // H
        n = helper.make_node
        nodes = [
            n("MatMul", ["x", "w_in"], ["proj"], name="in_proj"),
            n("Add", ["proj", "b_in"], ["projb"], name="in_bias"),
            n("Split", ["projb", "split"], ["q", "k", "v"], name="chunk",
              axis=2),
            n("Shape", ["x"], ["shape"], name="shape"),
            n("Gather", ["shape", "i0"], ["S"], name="g0", axis=0),
            n("Gather", ["shape", "i1"], ["B"], name="g1", axis=0),
            n("Mul", ["B", "heads"], ["BH"], name="bh"),
            n("Mul", ["S", "B"], ["SB"], name="sb"),
            n("Unsqueeze", ["S", "axis0"], ["S1"], name="us"),
            n("Unsqueeze", ["BH", "axis0"], ["BH1"], name="ubh"),
            n("Unsqueeze", ["SB", "axis0"], ["SB1"], name="usb"),
            n("Concat", ["S1", "BH1", "D1"], ["split_shape"], name="c1",
              axis=0),
            n("Concat", ["SB1", "E1"], ["merged_shape"], name="c2", axis=0),
        ]
        for t in "qkv":
            nodes += [n("Reshape", [t, "split_shape"], [t + "r"],
                        name=t + "_view"),
                      n("Transpose", [t + "r"], [t + "h"], name=t + "_t",
                        perm=[1, 0, 2])]
        nodes += [
            n("Div", ["qh", "sqrt_d"], ["qs"], name="q_scale"),
            n("Transpose", ["kh"], ["kt"], name="k_t2", perm=[0, 2, 1]),
            n("MatMul", ["qs", "kt"], ["scores"], name="bmm1"),
            n("Unsqueeze", ["mask", "axis0"], ["mask3"], name="mask_u"),
            n("Add", ["scores", "mask3"], ["masked"], name="baddbmm"),
            n("Softmax", ["masked"], ["p"], name="softmax", axis=-1),
            n("MatMul", ["p", "vh"], ["o"], name="bmm2"),
            n("Transpose", ["o"], ["ot"], name="o_t", perm=[1, 0, 2]),
            n("Reshape", ["ot", "merged_shape"], ["om"], name="o_view"),
            n("Gemm", ["om", "w_out", "b_out"], ["y2"], name="out_proj",
              transB=1),
            n("Reshape", ["y2", "shape"], ["y"], name="y_view"),
        ]
        inits = [const("w_in", self.w_in), const("b_in", self.b_in),
                 const("w_out", self.w_out.T.copy()),
                 const("b_out", self.b_out),
                 const("split", np.array([E, E, E], np.int64)),
                 const("i0", np.array(0, np.int64)),
                 const("i1", np.array(1, np.int64)),
                 const("heads", np.array(H, np.int64)),
                 const("axis0", np.array([0], np.int64)),
                 const("D1", np.array([D], np.int64)),
                 const("E1", np.array([E], np.int64)),
                 const("sqrt_d", np.array(np.sqrt(D), np.float32))]
        return model(nodes, [tensor("x", F32, ["S", "B", E]),
                             tensor("mask", F32, ["S", "S"])],
                     [tensor("y", F32, ["S", "B", E])], inits)

    def inputs(self, rng, s):
        S = s["S"]
        causal = np.triu(np.full((S, S), -1e9, np.float32), k=1)
        return [uniform(rng, (S, s["B"], self.E)), causal]

    def reference(self, x):
        E, H = self.E, self.H
        xs, mask = x[0].astype(np.float64), x[1].astype(np.float64)
        S, B, _ = xs.shape
        proj = xs @ self.w_in.astype(np.float64) + self.b_in
        q, k, v = np.split(proj, 3, axis=2)
        heads = lambda t: t.reshape(S, B * H, E // H).transpose(1, 0, 2)
        q, k, v = heads(q), heads(k), heads(v)
        s_ = q @ k.transpose(0, 2, 1) / np.sqrt(E // H) + mask[None]
        o = softmax(s_) @ v
        o = o.transpose(1, 0, 2).reshape(S * B, E)
        y = o @ self.w_out.astype(np.float64) + self.b_out
        return [y.reshape(S, B, E)]


@register("tensor_ops", [dict(N=1, T=5), dict(N=3, T=12)])
class TensorOps:
    """Embedding Gather, Slice, Concat, Where/Equal/Cast, ReduceMean and
    ReduceMax, Pow/Sqrt, Flatten, Squeeze/Unsqueeze, Tanh, Exp, Neg."""

    def __init__(self):
        rng = np.random.default_rng(5)
        self.table = uniform(rng, (10, 8))

    def build(self, s):
        n = helper.make_node
        I64 = TensorProto.INT64
        nodes = [
            n("Gather", ["table", "ids"], ["emb"], name="embed", axis=0),
            n("Slice", ["emb", "starts", "ends", "axes"], ["part"],
              name="slice"),
            n("Concat", ["part", "emb"], ["cat"], name="concat", axis=2),
            n("ReduceMean", ["cat"], ["mean"], name="mean", axes=[2],
              keepdims=1),
            n("Sub", ["cat", "mean"], ["c"], name="center"),
            n("Pow", ["c", "two"], ["sq"], name="square"),
            n("ReduceMax", ["sq"], ["mx"], name="max", axes=[1],
              keepdims=0),
            n("Sqrt", ["mx"], ["rt"], name="sqrt"),
            n("Tanh", ["rt"], ["th"], name="tanh"),
            n("Equal", ["ids", "zero"], ["is0"], name="eq"),
            n("Cast", ["is0"], ["isf"], name="cast", to=TensorProto.FLOAT),
            n("ReduceSum", ["isf", "axis1"], ["count"], name="count",
              keepdims=1),
            n("Neg", ["count"], ["negc"], name="neg"),
            n("Exp", ["negc"], ["w"], name="exp"),
            n("Mul", ["th", "w"], ["y0"], name="weight"),
            n("Unsqueeze", ["y0", "axis1"], ["y1"], name="unsq"),
            n("Squeeze", ["y1", "axis1"], ["y2"], name="sq1"),
            n("Flatten", ["cat"], ["flat"], name="flatten", axis=1),
            n("Where", ["is0", "negones", "isf"], ["sel"], name="where"),
        ]
        inits = [const("table", self.table),
                 const("starts", np.array([2], np.int64)),
                 const("ends", np.array([7], np.int64)),
                 const("axes", np.array([2], np.int64)),
                 const("two", np.array(2.0, np.float32)),
                 const("zero", np.array(0, np.int64)),
                 const("axis1", np.array([1], np.int64)),
                 const("negones", np.array(-1.0, np.float32))]
        # T is static: Flatten's [N, T*13] needs it (the C ABI sizes
        # results by the arguments' sizes, not products of them).
        return model(nodes, [tensor("ids", I64, ["N", s["T"]])],
                     [tensor("y2", F32, ["N", None]),
                      tensor("flat", F32, ["N", None]),
                      tensor("sel", F32, ["N", s["T"]])], inits)

    def inputs(self, rng, s):
        return [rng.integers(0, 10, size=(s["N"], s["T"])).astype(np.int64)]

    def reference(self, x):
        ids = x[0]
        emb = self.table.astype(np.float64)[ids]
        cat = np.concatenate([emb[:, :, 2:7], emb], axis=2)
        c = cat - cat.mean(axis=2, keepdims=True)
        th = np.tanh(np.sqrt((c ** 2).max(axis=1)))
        is0 = ids == 0
        count = is0.astype(np.float64).sum(axis=1, keepdims=True)
        y2 = th * np.exp(-count)
        flat = cat.reshape(cat.shape[0], -1)
        sel = np.where(is0, -1.0, is0.astype(np.float64))
        return [y2, flat, sel]


if __name__ == "__main__":
    # onnx_models.py NAME OUT.onnx: saves the model at its first sizes.
    import sys
    spec = MODELS[sys.argv[1]]
    onnx.save(spec.build(spec.sizes[0]), sys.argv[2])
