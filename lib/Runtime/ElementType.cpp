//===- ElementType.cpp - Element types of the compiled-module ABI ---------===//

#include "attn/Runtime/ElementType.h"

using namespace attn::runtime;

const char *attn::runtime::getElementTypeName(ElementType type) {
  switch (type) {
  case ElementType::F32:
    return "f32";
  case ElementType::F16:
    return "f16";
  case ElementType::BF16:
    return "bf16";
  case ElementType::F8E4M3FN:
    return "f8e4m3fn";
  case ElementType::F64:
    return "f64";
  case ElementType::I1:
    return "i1";
  case ElementType::I8:
    return "i8";
  case ElementType::I32:
    return "i32";
  case ElementType::I64:
    return "i64";
  }
  return "?";
}

std::optional<ElementType>
attn::runtime::parseElementType(std::string_view name) {
  for (ElementType type :
       {ElementType::F32, ElementType::F16, ElementType::BF16,
        ElementType::F8E4M3FN, ElementType::F64, ElementType::I1,
        ElementType::I8, ElementType::I32, ElementType::I64})
    if (name == getElementTypeName(type))
      return type;
  return std::nullopt;
}

size_t attn::runtime::getElementTypeSize(ElementType type) {
  switch (type) {
  case ElementType::F8E4M3FN:
  case ElementType::I1:
  case ElementType::I8:
    return 1;
  case ElementType::F16:
  case ElementType::BF16:
    return 2;
  case ElementType::F32:
  case ElementType::I32:
    return 4;
  case ElementType::F64:
  case ElementType::I64:
    return 8;
  }
  return 1;
}
