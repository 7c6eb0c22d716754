//===- Float.cpp - Bit-exact f32 <-> bf16 / f16 / fp8 conversions ---------===//

#include "attn/Runtime/Float.h"

#include <cstring>

using namespace attn::runtime;

uint32_t attn::runtime::floatToBits(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  return bits;
}

float attn::runtime::bitsToFloat(uint32_t bits) {
  float value;
  std::memcpy(&value, &bits, sizeof(value));
  return value;
}

namespace {
/// A narrow binary float format below f32: its mantissa bits and exponent
/// bias (f16: 10, 15; E4M3: 3, 7).
struct NarrowFormat {
  uint32_t mantissaBits, bias;
  /// f32 bits of its smallest normal value, 2^(1 - bias).
  uint32_t minNormalBits() const { return (128u - bias) << 23; }
};

/// The finite, in-range magnitude `abs` (f32 bits, sign cleared) rounded
/// to nearest even in `format`: its exponent and mantissa fields.
uint32_t roundMagnitude(uint32_t abs, NarrowFormat format) {
  uint32_t drop = 23 - format.mantissaBits;
  if (abs >= format.minNormalBits()) {
    // Normal: rebias the exponent and drop the low mantissa bits; adding
    // half an ulp minus one plus the lowest kept bit rounds to nearest
    // even, and a mantissa carry correctly moves to the next binade.
    uint32_t rebiased = abs - ((127u - format.bias) << 23);
    uint32_t lsb = (rebiased >> drop) & 1u;
    return (rebiased + (1u << (drop - 1)) - 1u + lsb) >> drop;
  }
  // Subnormal: round(|value| / 2^(1 - bias - mantissaBits)). With the
  // implicit bit, |value| = mant * 2^(exp - 150), so the quotient is
  // mant >> shift; anything below half the smallest subnormal (shift > 24)
  // rounds to 0.
  uint32_t exp = abs >> 23;
  uint32_t shift = 151u - format.bias - format.mantissaBits - exp;
  if (shift > 24)
    return 0;
  uint32_t mant = (abs & 0x7fffffu) | 0x800000u;
  uint32_t quotient = mant >> shift;
  uint32_t rest = mant & ((1u << shift) - 1u);
  uint32_t half = 1u << (shift - 1);
  if (rest > half || (rest == half && (quotient & 1u)))
    ++quotient; // May become the smallest normal: still correct.
  return quotient;
}

/// The f32 bits of the finite magnitude with exponent field `exp` and
/// mantissa field `mant` in `format`.
uint32_t widenMagnitude(uint32_t exp, uint32_t mant, NarrowFormat format) {
  uint32_t up = 23 - format.mantissaBits;
  if (exp != 0)
    return ((exp + 127u - format.bias) << 23) | (mant << up);
  if (mant == 0)
    return 0;
  // Subnormal in the format, normal in f32: shift the leading one into the
  // implicit position.
  uint32_t implicit = 1u << format.mantissaBits;
  uint32_t fexp = 128u - format.bias;
  while (!(mant & implicit)) {
    mant <<= 1;
    --fexp;
  }
  return (fexp << 23) | ((mant & (implicit - 1u)) << up);
}

constexpr NarrowFormat kF16{10, 15};
constexpr NarrowFormat kE4M3{3, 7};
} // namespace

uint16_t attn::runtime::floatToBF16(float value) {
  uint32_t bits = floatToBits(value);
  // NaN: truncating could clear every mantissa bit left and give infinity;
  // keep the sign and top payload and set the quiet bit instead.
  if ((bits & 0x7fffffffu) > 0x7f800000u)
    return static_cast<uint16_t>((bits >> 16) | 0x0040u);
  // Adding 0x7fff plus the lowest kept bit rounds to nearest even; a carry
  // out of the mantissa bumps the exponent, up to infinity (0x7f80) for the
  // largest finite values, which is the correctly rounded result.
  uint32_t lsb = (bits >> 16) & 1u;
  return static_cast<uint16_t>((bits + 0x7fffu + lsb) >> 16);
}

float attn::runtime::bf16ToFloat(uint16_t bits) {
  return bitsToFloat(static_cast<uint32_t>(bits) << 16);
}

uint16_t attn::runtime::floatToF16(float value) {
  uint32_t bits = floatToBits(value);
  uint16_t sign = static_cast<uint16_t>((bits >> 16) & 0x8000u);
  uint32_t abs = bits & 0x7fffffffu;

  if (abs >= 0x7f800000u) {
    if (abs == 0x7f800000u)
      return sign | 0x7c00u;
    // NaN: quiet, keep the top of the payload.
    return static_cast<uint16_t>(sign | 0x7e00u | ((abs >> 13) & 0x3ffu));
  }
  // 65520 = 65504 + half an ulp: the tie goes to the even neighbour, which
  // is 2^16, i.e. infinity.
  if (abs >= 0x477ff000u)
    return sign | 0x7c00u;

  return static_cast<uint16_t>(sign | roundMagnitude(abs, kF16));
}

float attn::runtime::f16ToFloat(uint16_t h) {
  uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  uint32_t exp = (h >> 10) & 0x1fu;
  uint32_t mant = h & 0x3ffu;
  if (exp == 0x1f) // Infinity or NaN; the payload moves to the top.
    return bitsToFloat(sign | 0x7f800000u | (mant << 13));
  return bitsToFloat(sign | widenMagnitude(exp, mant, kF16));
}

uint8_t attn::runtime::floatToE4M3(float value) {
  uint32_t bits = floatToBits(value);
  uint8_t sign = static_cast<uint8_t>((bits >> 24) & 0x80u);
  uint32_t abs = bits & 0x7fffffffu;

  if (abs > 0x7f800000u)
    return sign | 0x7fu;
  // 448 and above, infinity included, saturate (see Float.h). Below 448
  // nothing rounds past 0x7e: the next code, 0x7f, is NaN, not 480.
  if (abs >= 0x43e00000u)
    return sign | 0x7eu;

  return static_cast<uint8_t>(sign | roundMagnitude(abs, kE4M3));
}

float attn::runtime::e4m3ToFloat(uint8_t b) {
  uint32_t sign = static_cast<uint32_t>(b & 0x80u) << 24;
  uint32_t exp = (b >> 3) & 0xfu;
  uint32_t mant = b & 0x7u;
  if ((b & 0x7fu) == 0x7fu)
    return bitsToFloat(sign | 0x7fc00000u);
  return bitsToFloat(sign | widenMagnitude(exp, mant, kE4M3));
}

void attn::runtime::convertFloatToBF16(const float *src, uint16_t *dst,
                                       size_t count) {
  for (size_t i = 0; i < count; ++i)
    dst[i] = floatToBF16(src[i]);
}

void attn::runtime::convertBF16ToFloat(const uint16_t *src, float *dst,
                                       size_t count) {
  for (size_t i = 0; i < count; ++i)
    dst[i] = bf16ToFloat(src[i]);
}

void attn::runtime::convertFloatToF16(const float *src, uint16_t *dst,
                                      size_t count) {
  for (size_t i = 0; i < count; ++i)
    dst[i] = floatToF16(src[i]);
}

void attn::runtime::convertF16ToFloat(const uint16_t *src, float *dst,
                                      size_t count) {
  for (size_t i = 0; i < count; ++i)
    dst[i] = f16ToFloat(src[i]);
}

void attn::runtime::convertFloatToE4M3(const float *src, uint8_t *dst,
                                       size_t count) {
  for (size_t i = 0; i < count; ++i)
    dst[i] = floatToE4M3(src[i]);
}

void attn::runtime::convertE4M3ToFloat(const uint8_t *src, float *dst,
                                       size_t count) {
  for (size_t i = 0; i < count; ++i)
    dst[i] = e4m3ToFloat(src[i]);
}
