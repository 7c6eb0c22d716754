//===- Binding.h - Matching host arrays to a function signature -*- C++ -*-===//
//
// Checks .npy inputs against a manifest (arity, rank, element type, static
// dimensions), infers the size symbols, converts inputs to the ABI element
// types and allocates the results.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_RUNTIME_BINDING_H
#define ATTN_RUNTIME_BINDING_H

#include "attn/Runtime/Buffer.h"
#include "attn/Runtime/ElementType.h"
#include "attn/Runtime/Expected.h"
#include "attn/Runtime/Manifest.h"
#include "attn/Runtime/Npy.h"

#include <cstdint>
#include <vector>

namespace attn {
namespace runtime {

/// A tensor laid out as the ABI expects it.
struct Tensor {
  ElementType type = ElementType::F32;
  std::vector<int64_t> shape;
  Buffer data;
};

/// Everything one call of a function needs.
struct Binding {
  std::vector<Tensor> args;
  std::vector<Tensor> results;
  /// The value of every size symbol, in symbol order.
  std::vector<int64_t> sizes;

  /// The packed entry's pointer array: arguments, then results.
  std::vector<void *> getPointers();
};

/// The .npy element type that feeds (and receives) an ABI element type:
/// float32 for f32, bf16 and f8e4m3fn, float16 for f16, bool for i1, and so
/// on.
NpyDType getNpyTypeFor(ElementType type);

/// Binds `inputs` (consumed) to the arguments of `manifest`. Errors name the
/// argument: "argument #2 'arg2': expected rank 4, got 3".
Expected<Binding> bindInputs(const Manifest &manifest,
                             std::vector<NpyArray> inputs);

/// Converts a result to its .npy form (bf16 and f8e4m3fn widen to float32).
Expected<NpyArray> toNpyArray(Tensor tensor);

} // namespace runtime
} // namespace attn

#endif // ATTN_RUNTIME_BINDING_H
