//===- Float.cpp - Bit-exact f32 <-> bf16 / f16 conversions ---------------===//

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

  if (abs >= 0x38800000u) {
    // Normal half (>= 2^-14): rebias the exponent from 127 to 15 and drop 13
    // mantissa bits, rounding to nearest even. A mantissa carry correctly
    // moves to the next binade.
    uint32_t rebiased = abs - (112u << 23);
    uint32_t lsb = (rebiased >> 13) & 1u;
    return static_cast<uint16_t>(sign | ((rebiased + 0xfffu + lsb) >> 13));
  }

  // Subnormal half: the result is round(|value| / 2^-24). With the implicit
  // bit, |value| = mant * 2^(exp - 150), so the quotient is mant >> shift
  // with shift = 126 - exp. Anything below 2^-25 (shift > 24) rounds to 0.
  uint32_t exp = abs >> 23;
  uint32_t shift = 126u - exp;
  if (shift > 24)
    return sign;
  uint32_t mant = (abs & 0x7fffffu) | 0x800000u;
  uint32_t quotient = mant >> shift;
  uint32_t rest = mant & ((1u << shift) - 1u);
  uint32_t half = 1u << (shift - 1);
  if (rest > half || (rest == half && (quotient & 1u)))
    ++quotient; // May become 0x400, the smallest normal: still correct.
  return static_cast<uint16_t>(sign | quotient);
}

float attn::runtime::f16ToFloat(uint16_t h) {
  uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  uint32_t exp = (h >> 10) & 0x1fu;
  uint32_t mant = h & 0x3ffu;
  if (exp == 0x1f) // Infinity or NaN; the payload moves to the top.
    return bitsToFloat(sign | 0x7f800000u | (mant << 13));
  if (exp != 0)
    return bitsToFloat(sign | ((exp + 112u) << 23) | (mant << 13));
  if (mant == 0)
    return bitsToFloat(sign);
  // Subnormal half, normal float: shift the leading one into the implicit
  // position. 0x001 = 2^-24 needs 10 shifts and gets exponent 103.
  uint32_t fexp = 113;
  while (!(mant & 0x400u)) {
    mant <<= 1;
    --fexp;
  }
  return bitsToFloat(sign | (fexp << 23) | ((mant & 0x3ffu) << 13));
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
