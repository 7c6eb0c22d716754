//===- NpyHeader.h - The dictionary of a .npy header -----------*- C++ -*-===//
//
// Internal to the runtime: the header of a .npy file is a Python dict
// literal, e.g. {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_LIB_RUNTIME_NPYHEADER_H
#define ATTN_LIB_RUNTIME_NPYHEADER_H

#include "attn/Runtime/Expected.h"
#include "attn/Runtime/Npy.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace attn {
namespace runtime {

struct NpyHeader {
  NpyDType dtype = NpyDType::Float32;
  std::vector<int64_t> shape;
};

/// Parses the dict literal (trailing spaces and newline allowed). Rejects
/// unknown and big-endian dtypes, Fortran order, unknown or missing keys
/// and negative or oversized dimensions.
Expected<NpyHeader> parseNpyHeaderDict(std::string_view text);

/// Formats the dict literal as NumPy writes it, without padding.
std::string formatNpyHeaderDict(const NpyHeader &header);

} // namespace runtime
} // namespace attn

#endif // ATTN_LIB_RUNTIME_NPYHEADER_H
