//===- Npy.h - Reading and writing NumPy .npy files ------------*- C++ -*-===//
//
// Format versions 1.0, 2.0 and 3.0; little-endian, C-order arrays of the
// element types the ABI uses. Every malformed file yields an error message
// (never a crash or an out-of-bounds read): the bytes come from users.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_RUNTIME_NPY_H
#define ATTN_RUNTIME_NPY_H

#include "attn/Runtime/Buffer.h"
#include "attn/Runtime/Expected.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace attn {
namespace runtime {

/// The .npy element types the runtime reads and writes.
enum class NpyDType { Bool, Int8, Int32, Int64, Float16, Float32, Float64 };

/// NumPy's name of the type ("float32", "bool", ...).
const char *getNpyDTypeName(NpyDType type);
/// The header's `descr` string ("<f4", "|b1", ...).
const char *getNpyDescr(NpyDType type);
/// Bytes per element.
size_t getNpyDTypeSize(NpyDType type);

/// A dense, row-major array in host memory.
struct NpyArray {
  NpyDType dtype = NpyDType::Float32;
  std::vector<int64_t> shape;
  Buffer data;

  /// Number of elements (1 for a 0-d array).
  int64_t getNumElements() const;
};

/// Returns the number of elements of `shape` and checks that the byte size
/// with `elementSize` bytes per element fits in int64_t.
Expected<int64_t> getCheckedNumElements(const std::vector<int64_t> &shape,
                                        size_t elementSize);

/// Formats a shape as NumPy does: "(2, 3)", "(5,)", "()".
std::string formatShape(const std::vector<int64_t> &shape);

/// Reads `path`. Errors name the file.
Expected<NpyArray> readNpyFile(const std::string &path);
/// Parses a whole .npy file held in memory.
Expected<NpyArray> parseNpy(const void *bytes, size_t size);

/// Serialises `array` (version 1.0 header, or 2.0 if the header needs it).
Expected<std::string> serializeNpy(const NpyArray &array);
/// Writes `array` to `path`. Errors name the file.
Status writeNpyFile(const std::string &path, const NpyArray &array);

} // namespace runtime
} // namespace attn

#endif // ATTN_RUNTIME_NPY_H
