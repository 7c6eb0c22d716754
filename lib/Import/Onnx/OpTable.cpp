//===- OpTable.cpp - the ONNX op types the importer converts --------------===//
//
// The one list of supported op types: the importer dispatches on it and
// `attn-import --list-ops` prints it (docs/onnx.md is generated from that).
//
//===----------------------------------------------------------------------===//

#include "Converters.h"

using namespace mlir;

namespace attn::onnx_import {
namespace {

struct OpEntry {
  OnnxOpSupport support;
  Converter convert;
};

const std::vector<OpEntry> &opTable() {
  static const std::vector<OpEntry> table = [] {
    std::vector<OpEntry> t = {
        {{"Add", 7, "linalg.generic, numpy broadcasting"}, convertBinary},
        {{"And", 7, "linalg.generic on bool"}, convertBinary},
        {{"Attention", 23,
          "attn.attention (fused): 3-D or 4-D Q/K/V, GQA, scale, softcap, "
          "bool or float attn_mask, is_causal, past_key/past_value; not "
          "qk_matmul_output or nonpad_kv_seqlen"},
         convertAttention},
        {{"BatchNormalization", 9,
          "per-channel scale and shift (folded at import when the "
          "statistics are constants); inference mode only"},
         convertBatchNormalization},
        {{"Cast", 6,
          "arith conversions between f32, f16, bf16, f64, i64, "
          "i32, i8 and bool"},
         convertCast},
        {{"Concat", 4, "tensor.insert_slice; folded on shape vectors"},
         convertConcat},
        {{"ConstantOfShape", 9,
          "arith.constant, or linalg.fill for dynamic sizes"},
         convertConstantOfShape},
        {{"Constant", 1,
          "arith.constant (value, value_float(s), "
          "value_int(s))"},
         convertConstant},
        {{"Conv", 1,
          "linalg.conv_2d_nchw_fchw (conv_2d_ngchw_gfchw for groups) on "
          "an explicitly padded input, bias as the initial accumulator; 1x1 "
          "as a contraction on register tiles; 1-D and 2-D; auto_pad "
          "NOTSET, VALID, SAME_UPPER, SAME_LOWER"},
         convertConv},
        {{"Div", 7, "linalg.generic, numpy broadcasting"}, convertBinary},
        {{"Elu", 6, "linalg.generic"}, convertUnary},
        {{"Equal", 7, "linalg.generic to bool"}, convertBinary},
        {{"Erf", 9, "math.erf (polynomial on CPU)"}, convertUnary},
        {{"Exp", 6, "math.exp"}, convertUnary},
        {{"Expand", 8, "linalg.generic broadcast to a folded shape"},
         convertExpand},
        {{"Flatten", 1, "tensor.collapse_shape"}, convertFlatten},
        {{"Gather", 1,
          "linalg.generic with tensor.extract (indices "
          "clamped); folded on shape vectors"},
         convertGather},
        {{"Gelu", 20, "exact (erf) or tanh approximation"}, convertUnary},
        {{"Gemm", 7,
          "contraction on register tiles; a constant B with "
          "transB is transposed at import"},
         convertGemm},
        {{"GlobalAveragePool", 1, "linalg.generic sum and a division"},
         convertGlobalPool},
        {{"GlobalMaxPool", 1, "linalg.generic max (NaN propagates)"},
         convertGlobalPool},
        {{"Greater", 7, "linalg.generic to bool"}, convertBinary},
        {{"GreaterOrEqual", 12, "linalg.generic to bool"}, convertBinary},
        {{"Identity", 1, "forwards its input"}, convertIdentity},
        {{"LayerNormalization", 17,
          "mean/variance reductions in the input type; Mean and InvStdDev "
          "outputs"},
         convertLayerNormalization},
        {{"LeakyRelu", 6, "linalg.generic"}, convertUnary},
        {{"Less", 7, "linalg.generic to bool"}, convertBinary},
        {{"LessOrEqual", 12, "linalg.generic to bool"}, convertBinary},
        {{"Log", 6, "math.log"}, convertUnary},
        {{"MatMul", 1,
          "contraction on register tiles, numpy batch "
          "broadcasting, 1-D operands"},
         convertMatMul},
        {{"Max", 8, "linalg.generic, variadic"}, convertBinary},
        {{"MaxPool", 1,
          "linalg.pooling_nchw_max on a -inf padded input; 1-D and 2-D; "
          "not ceil_mode or the Indices output"},
         convertMaxPool},
        {{"Min", 8, "linalg.generic, variadic"}, convertBinary},
        {{"Mul", 7, "linalg.generic; folded on shape vectors"}, convertBinary},
        {{"Neg", 6, "linalg.generic"}, convertUnary},
        {{"Not", 1, "linalg.generic on bool"}, convertUnary},
        {{"Or", 7, "linalg.generic on bool"}, convertBinary},
        {{"Pow", 7, "math.powf; exponent 2 or 0.5 as x*x or sqrt"},
         convertBinary},
        {{"Range", 11,
          "linalg.generic of the index (a constant when small and "
          "integer); a limit from a folded shape may be dynamic"},
         convertRange},
        {{"Reciprocal", 6, "linalg.generic"}, convertUnary},
        {{"ReduceMax", 1, "linalg.generic reduction"}, convertReduce},
        {{"ReduceMean", 1, "linalg.generic reduction"}, convertReduce},
        {{"ReduceMin", 1, "linalg.generic reduction"}, convertReduce},
        {{"ReduceSum", 1, "linalg.generic reduction"}, convertReduce},
        {{"Relu", 6, "linalg.generic"}, convertUnary},
        {{"Reshape", 5,
          "collapse/expand_shape; the target must be known "
          "at compile time (it may hold dynamic sizes)"},
         convertReshape},
        {{"Shape", 1, "folded: the sizes of its input"}, convertShape},
        {{"Sigmoid", 6, "linalg.generic"}, convertUnary},
        {{"Slice", 10,
          "tensor.extract_slice; constant starts, ends, axes "
          "and positive steps on static dimensions"},
         convertSlice},
        {{"Softmax", 1,
          "linalg.softmax (fused into attn.attention by attn-raise when it "
          "is the middle of an attention); opset < 13 over several axes: "
          "max, exp, sum, divide reductions"},
         convertSoftmax},
        {{"Split", 2,
          "tensor.extract_slice per output, along a static "
          "dimension"},
         convertSplit},
        {{"Sqrt", 6, "math.sqrt"}, convertUnary},
        {{"Squeeze", 1, "tensor.collapse_shape"}, convertSqueeze},
        {{"Sub", 7, "linalg.generic, numpy broadcasting"}, convertBinary},
        {{"Tanh", 6, "math.tanh"}, convertUnary},
        {{"Transpose", 1, "linalg.transpose"}, convertTranspose},
        {{"Trilu", 14, "linalg.generic select on the indices; constant k"},
         convertTrilu},
        {{"Unsqueeze", 1, "tensor.expand_shape"}, convertUnsqueeze},
        {{"Where", 9, "linalg.generic select"}, convertWhere},
    };
    llvm::sort(t, [](const OpEntry &a, const OpEntry &b) {
      return a.support.opType < b.support.opType;
    });
    return t;
  }();
  return table;
}

} // namespace

const Converter *findConverter(StringRef opType, int opset) {
  for (const OpEntry &entry : opTable())
    if (entry.support.opType == opType)
      return opset >= entry.support.sinceOpset ? &entry.convert : nullptr;
  return nullptr;
}

} // namespace attn::onnx_import

llvm::ArrayRef<attn::OnnxOpSupport> attn::supportedOnnxOps() {
  static const std::vector<OnnxOpSupport> list = [] {
    std::vector<OnnxOpSupport> result;
    for (const onnx_import::OpEntry &entry : onnx_import::opTable())
      result.push_back(entry.support);
    return result;
  }();
  return list;
}
