//===- BenchModule.cpp - The entry point as attn-bench sees it ------------===//

#include "BenchModule.h"

#include "attn/Dialect/Attn/IR/AttnDialect.h"
#include "attn/Runtime/Float.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <algorithm>
#include <cmath>
#include <random>

using namespace attn_bench;
namespace rt = attn::runtime;

rt::Status attn_bench::inspectModule(mlir::ModuleOp module,
                                     llvm::StringRef entry,
                                     const RequestedSizes &requested,
                                     BenchModule &bench) {
  std::string name = entry.str();
  auto func = module.lookupSymbol<mlir::func::FuncOp>(name);
  if (!func || func.isExternal())
    return rt::makeError("no function '@", name, "' with a body");
  mlir::attn::AttentionOp op;
  unsigned count = 0;
  func.walk([&](mlir::attn::AttentionOp found) {
    op = found;
    ++count;
  });
  if (count != 1)
    return rt::makeError("attn-bench expects exactly one attn.attention in '@",
                         name, "', found ", count);
  if (op.getScore() != mlir::attn::ScoreKind::dot ||
      op.getNormalizer() != mlir::attn::Normalizer::softmax ||
      !op.getScoreMod().empty() || !op.getMaskMod().empty() ||
      !op.getScoreOperands().empty() || !op.getNormalizerOperands().empty() ||
      !op.getPositionOperands().empty() || op.getTopK() ||
      op.getRelativeClip() || op.getGaussianWindow() || op.getGridWindow() ||
      op.getBlockTable())
    return rt::makeError(
        "the BLAS baseline covers the dot score with softmax, causal, window, "
        "key_lengths, mask, bias, alibi, softcap and GQA over a dense "
        "key/value cache; this op uses something else");

  // Every tensor operand must be an argument of the entry, and the reverse.
  unsigned numArgs = func.getNumArguments();
  bench.argRoles.assign(numArgs, Role::Query);
  std::vector<bool> seen(numArgs, false);
  std::string error;
  auto bind = [&](mlir::Value value, Role role, const char *what) {
    if (!value)
      return true; // an absent optional operand
    auto arg = mlir::dyn_cast<mlir::BlockArgument>(value);
    if (!arg || arg.getOwner() != &func.getBody().front()) {
      error = std::string("the ") + what +
              " operand of attn.attention must be an argument of '@" + name +
              "'";
      return false;
    }
    if (seen[arg.getArgNumber()]) {
      error = "argument #" + std::to_string(arg.getArgNumber()) +
              " is used twice by attn.attention";
      return false;
    }
    seen[arg.getArgNumber()] = true;
    bench.argRoles[arg.getArgNumber()] = role;
    return true;
  };
  if (!bind(op.getQuery(), Role::Query, "query") ||
      !bind(op.getKey(), Role::Key, "key") ||
      !bind(op.getValue(), Role::Value, "value") ||
      !bind(op.getMask(), Role::Mask, "mask") ||
      !bind(op.getBias(), Role::Bias, "bias") ||
      !bind(op.getKeyLengths(), Role::KeyLengths, "key_lengths") ||
      !bind(op.getScales(), Role::Scales, "scales"))
    return rt::Error{error};
  for (unsigned i = 0; i < numArgs; ++i)
    if (!seen[i])
      return rt::makeError("argument #", i, " of '@", name,
                           "' is not an operand of attn.attention");
  auto ret =
      mlir::cast<mlir::func::ReturnOp>(func.getBody().front().getTerminator());
  auto returned = llvm::find(ret.getOperands(), op.getOutput());
  if (returned == ret.getOperands().end())
    return rt::makeError("'@", name,
                         "' must return the output of attn.attention");
  bench.outputResult = returned - ret.getOperands().begin();

  // Sizes: a static size of the module wins over a size not asked for.
  mlir::RankedTensorType qType = op.getQuery().getType(),
                         kType = op.getKey().getType(),
                         vType = op.getValue().getType();
  auto pick = [&](int64_t typeDim, int64_t wanted, bool given, int64_t fallback,
                  const char *what, int64_t &out) {
    if (typeDim >= 0 && !given)
      wanted = typeDim;
    if (wanted < 0)
      wanted = fallback;
    if (typeDim >= 0 && typeDim != wanted) {
      error = std::string("--") + what + " " + std::to_string(wanted) +
              " contradicts the static size " + std::to_string(typeDim) +
              " in the module";
      return false;
    }
    out = wanted;
    return true;
  };
  AttentionProblem &p = bench.problem;
  if (!pick(qType.getDimSize(0), requested.batch, requested.batchGiven, 1, "B",
            p.batch) ||
      !pick(qType.getDimSize(2), requested.querySeq, requested.querySeqGiven,
            1024, "Sq", p.querySeq) ||
      !pick(kType.getDimSize(2), requested.keySeq, requested.keySeqGiven,
            p.querySeq, "Skv", p.keySeq))
    return rt::Error{error};
  if (p.batch < 1 || p.querySeq < 1 || p.keySeq < 0)
    return rt::makeError("sizes must be positive (--B, --Sq >= 1, --Skv >= 0)");
  p.queryHeads = qType.getDimSize(1);
  p.kvHeads = kType.getDimSize(1);
  p.headDim = qType.getDimSize(3);
  p.valueDim = vType.getDimSize(3);
  if (p.queryHeads < 0 || p.kvHeads < 0 || p.headDim < 0 || p.valueDim < 0)
    return rt::makeError("heads and head dims must be static");
  mlir::Type elt = qType.getElementType();
  bench.elementType = elt.isF32()                              ? "f32"
                      : elt.isBF16()                           ? "bf16"
                      : mlir::isa<mlir::Float8E4M3FNType>(elt) ? "f8e4m3fn"
                                                               : "f16";

  // The variant, from the op's attributes (VARIANTS.md semantics).
  p.scale = op.getScale() ? op.getScale()->convertToFloat()
                          : 1.0f / std::sqrt(float(p.headDim));
  p.causal = op.getCausal();
  p.topLeft = op.getAlign() == mlir::attn::Alignment::top_left;
  if (std::optional<llvm::ArrayRef<int64_t>> w = op.getWindow()) {
    p.windowLeft = (*w)[0];
    p.windowRight = (*w)[1];
  }
  p.alibi = op.getAlibi();
  if (op.getSoftcap())
    p.softcap = op.getSoftcap()->convertToFloat();

  // Shapes of the arguments; broadcast operands keep their static 1s.
  const int64_t full[4] = {p.batch, p.queryHeads, p.querySeq, p.keySeq};
  bench.argShapes.assign(numArgs, {});
  for (unsigned i = 0; i < numArgs; ++i) {
    auto type = mlir::cast<mlir::RankedTensorType>(func.getArgumentTypes()[i]);
    std::vector<int64_t> &shape = bench.argShapes[i];
    switch (bench.argRoles[i]) {
    case Role::Query:
      shape = {p.batch, p.queryHeads, p.querySeq, p.headDim};
      break;
    case Role::Key:
      shape = {p.batch, p.kvHeads, p.keySeq, p.headDim};
      break;
    case Role::Value:
      shape = {p.batch, p.kvHeads, p.keySeq, p.valueDim};
      break;
    case Role::KeyLengths:
      shape = {p.batch};
      break;
    case Role::Scales:
      shape = {3};
      break;
    case Role::Mask:
    case Role::Bias:
      if (type.getRank() != 4)
        return rt::makeError("mask and bias must have rank 4");
      for (int d = 0; d < 4; ++d)
        shape.push_back(type.isDynamicDim(d) ? full[d] : type.getDimSize(d));
      break;
    }
  }
  return rt::Status::success();
}

/// Element strides of a broadcastable [B|1,Hq|1,Sq|1,Skv|1] operand.
static void getBroadcastStrides(const std::vector<int64_t> &shape,
                                int64_t strides[4]) {
  int64_t stride = 1;
  for (int d = 3; d >= 0; --d) {
    strides[d] = shape[d] == 1 ? 0 : stride;
    stride *= shape[d];
  }
}

/// Fills `buffer` (ABI type `type`) from `values`, which are rounded in
/// place to what the buffer holds.
static rt::Status storeFloats(std::vector<float> &values, rt::ElementType type,
                              rt::Buffer &buffer) {
  size_t n = values.size();
  switch (type) {
  case rt::ElementType::F32:
    std::copy(values.begin(), values.end(),
              reinterpret_cast<float *>(buffer.data()));
    return rt::Status::success();
  case rt::ElementType::BF16: {
    auto *bits = reinterpret_cast<uint16_t *>(buffer.data());
    rt::convertFloatToBF16(values.data(), bits, n);
    rt::convertBF16ToFloat(bits, values.data(), n);
    return rt::Status::success();
  }
  case rt::ElementType::F16: {
    auto *bits = reinterpret_cast<uint16_t *>(buffer.data());
    rt::convertFloatToF16(values.data(), bits, n);
    rt::convertF16ToFloat(bits, values.data(), n);
    return rt::Status::success();
  }
  case rt::ElementType::F8E4M3FN:
    rt::convertFloatToE4M3(values.data(), buffer.data(), n);
    rt::convertE4M3ToFloat(buffer.data(), values.data(), n);
    return rt::Status::success();
  default:
    return rt::makeError("unsupported element type ",
                         rt::getElementTypeName(type));
  }
}

rt::Status attn_bench::prepareInputs(const rt::Manifest &manifest,
                                     unsigned seed, BenchModule &bench,
                                     BenchInputs &inputs, const float *&q,
                                     const float *&k, const float *&v) {
  if (manifest.args.size() != bench.argRoles.size() ||
      bench.outputResult >= manifest.results.size())
    return rt::makeError("the manifest does not match the function");
  AttentionProblem &problem = bench.problem;
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  inputs.argFloats.assign(manifest.args.size(), {});
  inputs.sizes.assign(manifest.sizeLabels.size(), -1);

  for (size_t a = 0; a < manifest.args.size(); ++a) {
    const rt::ManifestTensor &tensor = manifest.args[a];
    const std::vector<int64_t> &shape = bench.argShapes[a];
    if (tensor.getRank() != shape.size())
      return rt::makeError("argument '", tensor.name, "' has rank ",
                           tensor.getRank(), ", expected ", shape.size());
    // Size symbols are read off the argument shapes.
    int64_t n = 1;
    for (size_t d = 0; d < shape.size(); ++d) {
      n *= shape[d];
      const rt::ManifestDim &dim = tensor.dims[d];
      if (!dim.isSymbol) {
        if (dim.value != shape[d])
          return rt::makeError("argument '", tensor.name, "' dimension ", d,
                               " is ", dim.value, " in the module, not ",
                               shape[d]);
        continue;
      }
      int64_t &size = inputs.sizes[dim.value];
      if (size >= 0 && size != shape[d])
        return rt::makeError("size symbol s", dim.value,
                             " would need two values");
      size = shape[d];
    }
    rt::Expected<rt::Buffer> buffer =
        rt::Buffer::allocate(size_t(n) * rt::getElementTypeSize(tensor.type));
    if (!buffer)
      return buffer.takeError();

    Role role = bench.argRoles[a];
    if (role == Role::Mask) {
      if (tensor.type != rt::ElementType::I1)
        return rt::makeError("the mask must be i1");
      std::fill_n(buffer->data(), n, uint8_t(1)); // all visible
      problem.mask = buffer->data();
      getBroadcastStrides(shape, problem.maskStrides);
    } else if (role == Role::KeyLengths) {
      if (tensor.type != rt::ElementType::I32)
        return rt::makeError("key_lengths must be i32");
      auto *lengths = reinterpret_cast<int32_t *>(buffer->data());
      std::fill_n(lengths, n, int32_t(problem.keySeq));
      problem.keyLengths = lengths;
    } else if (role == Role::Scales) {
      // Unit FP8 scales: the real tensors are the stored ones, which the
      // baseline reads.
      if (tensor.type != rt::ElementType::F32)
        return rt::makeError("scales must be f32");
      std::fill_n(reinterpret_cast<float *>(buffer->data()), n, 1.0f);
    } else {
      std::vector<float> &values = inputs.argFloats[a];
      values.resize(n);
      float amplitude = role == Role::Bias ? 0.5f : 1.0f; // a small bias
      for (float &x : values)
        x = amplitude * uniform(rng);
      if (rt::Status status = storeFloats(values, tensor.type, *buffer);
          !status)
        return rt::makeError("argument '", tensor.name,
                             "': ", status.getError());
      const float *data = values.data();
      switch (role) {
      case Role::Query:
        q = data;
        break;
      case Role::Key:
        k = data;
        break;
      case Role::Value:
        v = data;
        break;
      default:
        problem.bias = data;
        getBroadcastStrides(shape, problem.biasStrides);
        break;
      }
    }
    // Buffer moves keep the data pointer.
    inputs.args.push_back(std::move(*buffer));
  }
  for (size_t s = 0; s < inputs.sizes.size(); ++s)
    if (inputs.sizes[s] < 0)
      return rt::makeError("size symbol s", s, " (", manifest.sizeLabels[s],
                           ") is not set by any argument");

  for (rt::Buffer &buffer : inputs.args)
    inputs.pointers.push_back(buffer.data());
  for (const rt::ManifestTensor &tensor : manifest.results) {
    int64_t n = 1;
    for (const rt::ManifestDim &dim : tensor.dims)
      n *= dim.isSymbol ? inputs.sizes[dim.value] : dim.value;
    rt::Expected<rt::Buffer> buffer =
        rt::Buffer::allocate(size_t(n) * rt::getElementTypeSize(tensor.type));
    if (!buffer)
      return buffer.takeError();
    inputs.results.push_back(std::move(*buffer));
    inputs.pointers.push_back(inputs.results.back().data());
  }
  return rt::Status::success();
}
