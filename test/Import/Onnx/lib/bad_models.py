"""Malformed and unsupported ONNX models for the importer's error tests.

  bad_models.py CASE OUT     writes the model of CASE to OUT
"""

import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

F32 = TensorProto.FLOAT


def graph_model(nodes, inputs, outputs, inits=(), opset=17):
    g = helper.make_graph(nodes, "bad", inputs, outputs, list(inits))
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 8
    return m


def t(name, shape, elem=F32):
    return helper.make_tensor_value_info(name, elem, shape)


def unsupported_op():
    return graph_model([helper.make_node("Einsum", ["x", "x"], ["y"],
                                         name="mix", equation="ij,ij->ij")],
                       [t("x", [2, 2])], [t("y", [2, 2])])


def undefined_input():
    return graph_model([helper.make_node("Relu", ["nowhere"], ["y"],
                                         name="act")],
                       [t("x", [2])], [t("y", [2])])


def bad_reshape():
    shape = numpy_helper.from_array(np.array([5, 3], np.int64), "shape")
    return graph_model([helper.make_node("Reshape", ["x", "shape"], ["y"],
                                         name="flat")],
                       [t("x", [4, 4])], [t("y", [5, 3])], [shape])


def data_dependent_reshape():
    return graph_model([helper.make_node("Reshape", ["x", "s"], ["y"],
                                         name="dyn")],
                       [t("x", [4, 4]), t("s", [2], TensorProto.INT64)],
                       [t("y", [None, None])])


def qk_output():
    node = helper.make_node("Attention", ["q", "k", "v"],
                            ["y", "", "", "scores"], name="attn")
    return graph_model([node], [t(n, [1, 2, 4, 8]) for n in "qkv"],
                       [t("y", [1, 2, 4, 8]), t("scores", [1, 2, 4, 4])],
                       opset=23)


def heads_missing():
    node = helper.make_node("Attention", ["q", "k", "v"], ["y"], name="attn")
    return graph_model([node], [t(n, [1, 4, 32]) for n in "qkv"],
                       [t("y", [1, 4, 32])], opset=23)


def broadcast_mismatch():
    return graph_model([helper.make_node("Add", ["x", "z"], ["y"],
                                         name="sum")],
                       [t("x", [3, 4]), t("z", [5])], [t("y", [3, 4])])


def old_opset():
    node = helper.make_node("Attention", ["q", "k", "v"], ["y"], name="attn")
    return graph_model([node], [t(n, [1, 2, 4, 8]) for n in "qkv"],
                       [t("y", [1, 2, 4, 8])], opset=17)


def other_domain():
    node = helper.make_node("MultiHeadAttention", ["q", "k", "v"], ["y"],
                            name="mha", domain="com.microsoft", num_heads=2)
    return graph_model([node], [t(n, [1, 4, 16]) for n in "qkv"],
                       [t("y", [1, 4, 16])])


def external_weights():
    w = numpy_helper.from_array(np.ones((2, 2), np.float32), "w")
    w.ClearField("raw_data")
    w.data_location = TensorProto.EXTERNAL
    entry = w.external_data.add()
    entry.key, entry.value = "location", "weights.bin"
    return graph_model([helper.make_node("MatMul", ["x", "w"], ["y"],
                                         name="mm")],
                       [t("x", [2, 2])], [t("y", [2, 2])], [w])


def conv_3d():
    w = numpy_helper.from_array(np.ones((2, 2, 1, 1, 1), np.float32), "w")
    return graph_model([helper.make_node("Conv", ["x", "w"], ["y"],
                                         name="conv3d")],
                       [t("x", [1, 2, 4, 4, 4])], [t("y", [1, 2, 4, 4, 4])],
                       [w])


def conv_same_strided_dynamic():
    w = numpy_helper.from_array(np.ones((2, 2, 3, 3), np.float32), "w")
    node = helper.make_node("Conv", ["x", "w"], ["y"], name="conv",
                            auto_pad="SAME_UPPER", strides=[2, 2])
    return graph_model([node], [t("x", [1, 2, "H", "W"])],
                       [t("y", [1, 2, None, None])], [w])


def maxpool_ceil():
    node = helper.make_node("MaxPool", ["x"], ["y"], name="pool",
                            kernel_shape=[2, 2], ceil_mode=1)
    return graph_model([node], [t("x", [1, 1, 5, 5])], [t("y", [1, 1, 3, 3])])


def maxpool_indices():
    node = helper.make_node("MaxPool", ["x"], ["y", "i"], name="pool",
                            kernel_shape=[2, 2])
    return graph_model([node], [t("x", [1, 1, 4, 4])],
                       [t("y", [1, 1, 3, 3]),
                        t("i", [1, 1, 3, 3], TensorProto.INT64)])


def batchnorm_training():
    stats = [numpy_helper.from_array(np.ones(2, np.float32), n)
             for n in ["s", "b", "m", "v"]]
    node = helper.make_node("BatchNormalization", ["x", "s", "b", "m", "v"],
                            ["y"], name="bn", training_mode=1)
    return graph_model([node], [t("x", [1, 2, 3, 3])], [t("y", [1, 2, 3, 3])],
                       stats, opset=15)


def expand_data_shape():
    return graph_model([helper.make_node("Expand", ["x", "s"], ["y"],
                                         name="grow")],
                       [t("x", [1, 4]), t("s", [2], TensorProto.INT64)],
                       [t("y", [None, 4])])


def gate_bad_target():
    """Squeeze-and-excitation whose reshape target, computed after the pool
    (so imported on demand while the chain is matched), gathers a size
    past x's rank."""
    n = helper.make_node
    rng = np.random.default_rng(0)
    nodes = [n("GlobalAveragePool", ["x"], ["pool"], name="pool"),
             n("Shape", ["x"], ["s"], name="shape"),
             n("Gather", ["s", "seven"], ["b"], name="batch", axis=0),
             n("Unsqueeze", ["b", "zero"], ["b1"], name="batch1"),
             n("Concat", ["b1", "c"], ["target"], name="target", axis=0),
             n("Reshape", ["pool", "target"], ["z"], name="flatten"),
             n("Gemm", ["z", "w1"], ["h1"], name="fc1", transB=1),
             n("Relu", ["h1"], ["h"], name="relu"),
             n("Gemm", ["h", "w2"], ["g"], name="fc2", transB=1),
             n("Sigmoid", ["g"], ["gate"], name="sigmoid"),
             n("Reshape", ["gate", "gate_shape"], ["g4"], name="unflatten"),
             n("Mul", ["x", "g4"], ["y"], name="scale")]
    arrays = {"seven": np.array(7, np.int64), "zero": np.array([0], np.int64),
              "c": np.array([8], np.int64),
              "gate_shape": np.array([-1, 8, 1, 1], np.int64),
              "w1": rng.random((2, 8), np.float32),
              "w2": rng.random((8, 2), np.float32)}
    inits = [numpy_helper.from_array(v, k) for k, v in arrays.items()]
    return graph_model(nodes, [t("x", ["N", 8, 3, 3])],
                       [t("y", ["N", 8, 3, 3])], inits)


CASES = {f.__name__: f for f in [
    unsupported_op, undefined_input, bad_reshape, data_dependent_reshape,
    qk_output, heads_missing, broadcast_mismatch, old_opset,
    other_domain, external_weights, conv_3d, conv_same_strided_dynamic,
    maxpool_ceil, maxpool_indices, batchnorm_training, expand_data_shape,
    gate_bad_target]}

if __name__ == "__main__":
    name, out = sys.argv[1], sys.argv[2]
    if name == "truncated":
        data = unsupported_op().SerializeToString()
        with open(out, "wb") as f:
            f.write(data[: len(data) // 2])
    elif name == "not_onnx":
        with open(out, "w") as f:
            f.write("func.func @main() { return }\n")
    else:
        onnx.save(CASES[name](), out)
