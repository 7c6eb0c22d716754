//===- Float.h - Bit-exact f32 <-> bf16 / f16 / fp8 conversions -*- C++ -*-===//
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

/// FP8 E4M3 "FN" (MLIR's f8E4M3FN, OCP OFP8 E4M3): sign, 4 exponent bits
/// with bias 7, 3 mantissa bits. It has no infinities: S.1111.111 is NaN,
/// and S.1111.110 = 448 is the largest finite magnitude. Subnormals go down
/// to 2^-9.
///
/// Narrowing saturates: magnitudes above 448, infinities included, become
/// +-448 (0x7e / 0xfe), as NVIDIA's `cvt.rn.satfinite.e4m3x2.f32`
/// and common FP8 quantisers do. With no infinity to overflow to, the other
/// choice would be NaN, which would turn one outlier into NaN outputs. NaN
/// gives 0x7f with the input's sign. Magnitudes up to 2^-10 round to zero
/// (2^-10 itself is a tie, and zero is even).
uint8_t floatToE4M3(float value);
float e4m3ToFloat(uint8_t bits);

/// Array versions; `src` and `dst` must not overlap.
void convertFloatToBF16(const float *src, uint16_t *dst, size_t count);
void convertBF16ToFloat(const uint16_t *src, float *dst, size_t count);
void convertFloatToF16(const float *src, uint16_t *dst, size_t count);
void convertF16ToFloat(const uint16_t *src, float *dst, size_t count);
void convertFloatToE4M3(const float *src, uint8_t *dst, size_t count);
void convertE4M3ToFloat(const uint8_t *src, float *dst, size_t count);

} // namespace runtime
} // namespace attn

#endif // ATTN_RUNTIME_FLOAT_H
