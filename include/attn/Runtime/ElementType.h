//===- ElementType.h - Element types of the compiled-module ABI -*- C++ -*-===//

#ifndef ATTN_RUNTIME_ELEMENTTYPE_H
#define ATTN_RUNTIME_ELEMENTTYPE_H

#include <cstddef>
#include <optional>
#include <string_view>

namespace attn {
namespace runtime {

/// Element types of tensors at the C ABI (docs/abi.md): f16 and bf16 are
/// passed as uint16_t bit patterns, f8e4m3fn (FP8 E4M3, attn/Runtime/Float.h)
/// as uint8_t bit patterns, i1 as one byte per element.
enum class ElementType { F32, F16, BF16, F8E4M3FN, F64, I1, I8, I32, I64 };

/// The manifest spelling ("f32", "bf16", "f8e4m3fn", ...).
const char *getElementTypeName(ElementType type);
/// Parses a manifest spelling.
std::optional<ElementType> parseElementType(std::string_view name);
/// Bytes per element at the ABI.
size_t getElementTypeSize(ElementType type);

} // namespace runtime
} // namespace attn

#endif // ATTN_RUNTIME_ELEMENTTYPE_H
