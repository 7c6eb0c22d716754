//===- Float.h - Bit-exact f32 <-> bf16 / f16 conversions ------*- C++ -*-===//
//
// Plain integer code, so results do not depend on the compiler, the target's
// F16C/AVX512-BF16 support or the floating-point environment. All narrowing
// conversions round to nearest, ties to even, and keep NaN a (quiet) NaN.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_RUNTIME_FLOAT_H
#define ATTN_RUNTIME_FLOAT_H

#include <cstddef>
#include <cstdint>

namespace attn {
namespace runtime {

/// The bit pattern of `value` and back.
uint32_t floatToBits(float value);
float bitsToFloat(uint32_t bits);

/// bfloat16: the top half of an f32. Overflow rounds to infinity.
uint16_t floatToBF16(float value);
float bf16ToFloat(uint16_t bits);

/// IEEE 754 binary16. Values of magnitude >= 65520 round to infinity;
/// magnitudes below 2^-14 become subnormals (and below 2^-25 zero).
uint16_t floatToF16(float value);
float f16ToFloat(uint16_t bits);

/// Array versions; `src` and `dst` must not overlap.
void convertFloatToBF16(const float *src, uint16_t *dst, size_t count);
void convertBF16ToFloat(const uint16_t *src, float *dst, size_t count);
void convertFloatToF16(const float *src, uint16_t *dst, size_t count);
void convertF16ToFloat(const uint16_t *src, float *dst, size_t count);

} // namespace runtime
} // namespace attn

#endif // ATTN_RUNTIME_FLOAT_H
