//===- Binding.cpp - Matching host arrays to a function signature ---------===//

#include "attn/Runtime/Binding.h"

#include "attn/Runtime/Float.h"

using namespace attn::runtime;

std::vector<void *> Binding::getPointers() {
  std::vector<void *> pointers;
  for (Tensor &tensor : args)
    pointers.push_back(tensor.data.data());
  for (Tensor &tensor : results)
    pointers.push_back(tensor.data.data());
  return pointers;
}

NpyDType attn::runtime::getNpyTypeFor(ElementType type) {
  switch (type) {
  case ElementType::F32:
  case ElementType::BF16: // NumPy has neither bfloat16 nor FP8.
  case ElementType::F8E4M3FN:
    return NpyDType::Float32;
  case ElementType::F16:
    return NpyDType::Float16;
  case ElementType::F64:
    return NpyDType::Float64;
  case ElementType::I1:
    return NpyDType::Bool;
  case ElementType::I8:
    return NpyDType::Int8;
  case ElementType::I32:
    return NpyDType::Int32;
  case ElementType::I64:
    return NpyDType::Int64;
  }
  return NpyDType::Float32;
}

static std::string describe(const char *kind, size_t index,
                            const ManifestTensor &tensor) {
  return std::string(kind) + " #" + std::to_string(index) + " '" + tensor.name +
         "'";
}

namespace {
/// Where a size symbol got its value: argument and dimension.
struct SymbolOrigin {
  size_t arg = 0, dim = 0;
};
} // namespace

/// Checks the element type, rank and dimensions of input `index` and fills
/// in the size symbols it determines first.
static Status checkInput(const Manifest &manifest, size_t index,
                         const NpyArray &input, std::vector<int64_t> &sizes,
                         std::vector<SymbolOrigin> &origins) {
  const ManifestTensor &spec = manifest.args[index];
  std::string where = describe("argument", index, spec) + ": ";
  NpyDType expected = getNpyTypeFor(spec.type);
  if (input.dtype != expected)
    return makeError(where, "expected ", getNpyDTypeName(expected),
                     " .npy for element type ", getElementTypeName(spec.type),
                     ", got ", getNpyDTypeName(input.dtype));
  if (input.shape.size() != spec.getRank())
    return makeError(where, "expected rank ", spec.getRank(), ", got ",
                     input.shape.size(), " (shape ", formatShape(input.shape),
                     " for ", formatTensorType(spec), ")");
  for (size_t d = 0; d < spec.getRank(); ++d) {
    int64_t actual = input.shape[d];
    const ManifestDim &dim = spec.dims[d];
    if (!dim.isSymbol) {
      if (actual != dim.value)
        return makeError(where, "dimension ", d, " must be ", dim.value,
                         ", got ", actual, " (shape ", formatShape(input.shape),
                         " for ", formatTensorType(spec), ")");
      continue;
    }
    int64_t &size = sizes[dim.value];
    SymbolOrigin &origin = origins[dim.value];
    if (size < 0) {
      size = actual;
      origin = {index, d};
    } else if (size != actual) {
      return makeError(
          where, "dimension ", d, " is ", actual, " but must equal dimension ",
          origin.dim, " of ",
          describe("argument", origin.arg, manifest.args[origin.arg]),
          ", which is ", size, " (size symbol s", dim.value, ")");
    }
  }
  return Status::success();
}

/// True for the types that travel as float32 .npy but are narrower at the
/// ABI.
static bool isNarrowedFloat(ElementType type) {
  return type == ElementType::BF16 || type == ElementType::F8E4M3FN;
}

/// Converts a checked input to the ABI's layout: bf16 and f8e4m3fn narrow
/// from float32 (Float.h: round to nearest even; FP8 saturates), every other
/// type already has its bytes.
static Expected<Tensor> convertInput(const ManifestTensor &spec,
                                     NpyArray input) {
  Tensor tensor;
  tensor.type = spec.type;
  tensor.shape = std::move(input.shape);
  if (!isNarrowedFloat(spec.type)) {
    tensor.data = std::move(input.data);
    return tensor;
  }
  size_t count = input.data.size() / sizeof(float);
  Expected<Buffer> buffer =
      Buffer::allocate(count * getElementTypeSize(spec.type));
  if (!buffer)
    return buffer.takeError();
  const auto *src = reinterpret_cast<const float *>(input.data.data());
  if (spec.type == ElementType::BF16)
    convertFloatToBF16(src, reinterpret_cast<uint16_t *>(buffer->data()),
                       count);
  else
    convertFloatToE4M3(src, buffer->data(), count);
  tensor.data = std::move(*buffer);
  return tensor;
}

Expected<Binding> attn::runtime::bindInputs(const Manifest &manifest,
                                            std::vector<NpyArray> inputs) {
  if (inputs.size() != manifest.args.size())
    return makeError("function '", manifest.function, "' takes ",
                     manifest.args.size(), " arguments, got ", inputs.size(),
                     " inputs");
  Binding binding;
  binding.sizes.assign(manifest.sizeLabels.size(), -1);
  std::vector<SymbolOrigin> origins(manifest.sizeLabels.size());
  for (size_t i = 0; i < inputs.size(); ++i)
    if (Status status =
            checkInput(manifest, i, inputs[i], binding.sizes, origins);
        !status)
      return status.takeError();
  for (size_t k = 0; k < binding.sizes.size(); ++k)
    if (binding.sizes[k] < 0)
      return makeError("size symbol s", k, " (", manifest.sizeLabels[k],
                       ") is not determined by any argument");

  for (size_t i = 0; i < inputs.size(); ++i) {
    Expected<Tensor> tensor =
        convertInput(manifest.args[i], std::move(inputs[i]));
    if (!tensor)
      return makeError(describe("argument", i, manifest.args[i]), ": ",
                       tensor.getError());
    binding.args.push_back(std::move(*tensor));
  }

  for (size_t i = 0; i < manifest.results.size(); ++i) {
    const ManifestTensor &spec = manifest.results[i];
    Tensor result;
    result.type = spec.type;
    for (const ManifestDim &dim : spec.dims)
      result.shape.push_back(dim.isSymbol ? binding.sizes[dim.value]
                                          : dim.value);
    size_t elementSize = getElementTypeSize(spec.type);
    Expected<int64_t> count = getCheckedNumElements(result.shape, elementSize);
    if (!count)
      return makeError(describe("result", i, spec), ": ", count.getError());
    Expected<Buffer> buffer = Buffer::allocate(*count * elementSize);
    if (!buffer)
      return makeError(describe("result", i, spec), ": ", buffer.getError());
    result.data = std::move(*buffer);
    binding.results.push_back(std::move(result));
  }
  return binding;
}

Expected<NpyArray> attn::runtime::toNpyArray(Tensor tensor) {
  NpyArray array;
  array.dtype = getNpyTypeFor(tensor.type);
  array.shape = std::move(tensor.shape);
  if (!isNarrowedFloat(tensor.type)) {
    array.data = std::move(tensor.data);
    return array;
  }
  size_t count = tensor.data.size() / getElementTypeSize(tensor.type);
  Expected<Buffer> buffer = Buffer::allocate(count * sizeof(float));
  if (!buffer)
    return buffer.takeError();
  auto *dst = reinterpret_cast<float *>(buffer->data());
  if (tensor.type == ElementType::BF16)
    convertBF16ToFloat(reinterpret_cast<const uint16_t *>(tensor.data.data()),
                       dst, count);
  else
    convertE4M3ToFloat(tensor.data.data(), dst, count);
  array.data = std::move(*buffer);
  return array;
}
