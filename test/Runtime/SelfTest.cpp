//===- SelfTest.cpp - Built-in checks of attn-runtime-test ----------------===//
//
// Checks with exact expected bit patterns (worked out by hand from the IEEE
// formats), FP8 E4M3 checked exhaustively against values computed from the
// format's definition, and robustness sweeps: every truncation and many
// single-byte corruptions of valid .npy files and manifests must give an error
// or a value, never a crash (run under ATTN_ENABLE_SANITIZERS to catch reads
// out of bounds).
//
//===----------------------------------------------------------------------===//

#include "attn/Runtime/Float.h"
#include "attn/Runtime/Manifest.h"
#include "attn/Runtime/Npy.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>

using namespace attn::runtime;

static int numChecks = 0, numFailures = 0;

static void check(bool ok, const std::string &what) {
  ++numChecks;
  if (!ok) {
    ++numFailures;
    std::printf("FAIL: %s\n", what.c_str());
  }
}

static std::string hex(uint32_t value) {
  char text[16];
  std::snprintf(text, sizeof(text), "0x%08x", value);
  return text;
}

static void checkToF16(uint32_t in, uint16_t expected) {
  uint16_t got = floatToF16(bitsToFloat(in));
  check(got == expected, "f32 " + hex(in) + " -> f16: expected " +
                             hex(expected) + ", got " + hex(got));
}

static void checkFromF16(uint16_t in, uint32_t expected) {
  uint32_t got = floatToBits(f16ToFloat(in));
  check(got == expected, "f16 " + hex(in) + " -> f32: expected " +
                             hex(expected) + ", got " + hex(got));
}

static void checkToBF16(uint32_t in, uint16_t expected) {
  uint16_t got = floatToBF16(bitsToFloat(in));
  check(got == expected, "f32 " + hex(in) + " -> bf16: expected " +
                             hex(expected) + ", got " + hex(got));
}

static void testF16() {
  checkToF16(0x3f800000, 0x3c00); // 1
  checkToF16(0x80000000, 0x8000); // -0
  checkToF16(0x477fe000, 0x7bff); // 65504, the largest half
  checkToF16(0x477fefff, 0x7bff); // just below 65520
  checkToF16(0x477ff000, 0x7c00); // 65520: tie, goes to even = infinity
  checkToF16(0xc77ff000, 0xfc00); // -65520
  checkToF16(0x7f7fffff, 0x7c00); // FLT_MAX
  checkToF16(0x7f800000, 0x7c00); // inf
  checkToF16(0xff800000, 0xfc00); // -inf
  checkToF16(0x7fc00000, 0x7e00); // quiet NaN
  checkToF16(0x7f800001, 0x7e00); // signalling NaN, payload below f16 bits
  checkToF16(0xffc00000, 0xfe00); // -NaN
  checkToF16(0x3f801000, 0x3c00); // 1 + 2^-11: tie, even is 1
  checkToF16(0x3f803000, 0x3c02); // 1 + 3*2^-11: tie, even is 1 + 2^-9
  checkToF16(0x3f801001, 0x3c01); // just above the tie
  checkToF16(0x38800000, 0x0400); // 2^-14, the smallest normal
  checkToF16(0x387ff000, 0x0400); // rounds up from subnormal to normal
  checkToF16(0x33800000, 0x0001); // 2^-24, the smallest subnormal
  checkToF16(0x33000000, 0x0000); // 2^-25: tie, even is 0
  checkToF16(0x33000001, 0x0001); // just above 2^-25
  checkToF16(0xb3000001, 0x8001); // negative
  checkToF16(0x33c00000, 0x0002); // 1.5 * 2^-24: tie, even is 2
  checkToF16(0x34200000, 0x0002); // 2.5 * 2^-24: tie, even is 2
  checkToF16(0x32ffffff, 0x0000); // below half the smallest subnormal
  checkToF16(0x00000001, 0x0000); // f32 subnormal
  checkToF16(0x387fc000, 0x03ff); // the largest subnormal

  checkFromF16(0x3c00, 0x3f800000);
  checkFromF16(0x0001, 0x33800000);
  checkFromF16(0x8001, 0xb3800000);
  checkFromF16(0x03ff, 0x387fc000);
  checkFromF16(0x0400, 0x38800000);
  checkFromF16(0x7bff, 0x477fe000);
  checkFromF16(0x7c00, 0x7f800000);
  checkFromF16(0xfc00, 0xff800000);
  checkFromF16(0x7e00, 0x7fc00000);
  checkFromF16(0x8000, 0x80000000);
  checkFromF16(0x3555, 0x3eaaa000);

  // Every half survives a round trip through f32 (NaNs stay NaN).
  for (uint32_t h = 0; h < 0x10000; ++h) {
    uint16_t back = floatToF16(f16ToFloat(static_cast<uint16_t>(h)));
    bool isNaN = (h & 0x7c00) == 0x7c00 && (h & 0x3ff);
    bool ok = isNaN ? (back & 0x7c00) == 0x7c00 && (back & 0x3ff) &&
                          (back & 0x8000) == (h & 0x8000)
                    : back == h;
    if (!ok) {
      check(false, "f16 round trip of " + hex(h) + " gave " + hex(back));
      break;
    }
  }
  check(true, "f16 round trips");
}

static void testBF16() {
  checkToBF16(0x3f800000, 0x3f80); // 1
  checkToBF16(0x3f808000, 0x3f80); // tie, even is 1
  checkToBF16(0x3f818000, 0x3f82); // tie, even is up
  checkToBF16(0x3f808001, 0x3f81); // above the tie
  checkToBF16(0x3f807fff, 0x3f80); // below the tie
  checkToBF16(0x7f7f7fff, 0x7f7f); // stays finite
  checkToBF16(0x7f7f8000, 0x7f80); // tie at the top: even is infinity
  checkToBF16(0x7f7fffff, 0x7f80); // FLT_MAX overflows
  checkToBF16(0xff7fffff, 0xff80);
  checkToBF16(0x7f800000, 0x7f80); // inf
  checkToBF16(0xff800000, 0xff80);
  checkToBF16(0x7f800001, 0x7fc0); // NaN whose payload is all truncated
  checkToBF16(0xff800001, 0xffc0);
  checkToBF16(0x7fffffff, 0x7fff); // NaN, no carry into the sign
  checkToBF16(0x00008000, 0x0000); // subnormal tie, even is 0
  checkToBF16(0x00018000, 0x0002); // subnormal tie, even is up
  checkToBF16(0x807fffff, 0x8080); // largest subnormal rounds to normal
  checkToBF16(0x80000000, 0x8000); // -0
  for (uint32_t b : {0x0000u, 0x3f80u, 0x7f80u, 0xff80u, 0x0001u, 0xc2f7u})
    check(floatToBits(bf16ToFloat(static_cast<uint16_t>(b))) == b << 16,
          "bf16 " + hex(b) + " -> f32");
}

/// The value of E4M3FN code `code`, from the format's definition rather than
/// from bit manipulation: (-1)^s * 2^(e-7) * (1 + m/8), subnormals
/// (-1)^s * 2^-6 * (m/8), and S.1111.111 NaN.
static double e4m3Reference(unsigned code) {
  unsigned s = code >> 7, e = (code >> 3) & 0xf, m = code & 0x7;
  if (e == 15 && m == 7)
    return std::numeric_limits<double>::quiet_NaN();
  double magnitude =
      e == 0 ? std::ldexp(m / 8.0, -6) : std::ldexp(1.0 + m / 8.0, int(e) - 7);
  return s ? -magnitude : magnitude;
}

/// Narrowing by search: the nearest of the 127 finite magnitudes, ties to
/// the even code; 448 and beyond saturate to +-448; NaN gives 0x7f with its
/// sign.
static uint8_t e4m3RoundReference(float x) {
  static double magnitudes[0x7f];
  if (magnitudes[0x7e] == 0)
    for (unsigned c = 0; c < 0x7f; ++c)
      magnitudes[c] = e4m3Reference(c);
  uint8_t sign = std::signbit(x) ? 0x80 : 0x00;
  if (std::isnan(x))
    return sign | 0x7f;
  double magnitude = std::fabs(double(x));
  if (magnitude >= 448)
    return sign | 0x7e;
  unsigned best = 0;
  for (unsigned c = 1; c < 0x7f; ++c) {
    double d = std::fabs(magnitudes[c] - magnitude);
    double bestD = std::fabs(magnitudes[best] - magnitude);
    if (d < bestD || (d == bestD && !(c & 1)))
      best = c;
  }
  return sign | best;
}

static void checkToE4M3(float in, uint8_t expected, const char *what) {
  uint8_t got = floatToE4M3(in);
  check(got == expected, std::string("f32 ") + hex(floatToBits(in)) + " (" +
                             what + ") -> e4m3: expected " + hex(expected) +
                             ", got " + hex(got));
}

static void testE4M3() {
  // Every code decodes to its defined value (zeros with their sign), NaN
  // codes to NaN of their sign, and every other code survives the round
  // trip.
  for (unsigned c = 0; c < 256; ++c) {
    uint8_t code = static_cast<uint8_t>(c);
    float got = e4m3ToFloat(code);
    double want = e4m3Reference(c);
    bool sameSign = std::signbit(got) == bool(c & 0x80);
    if (std::isnan(want)) {
      check(std::isnan(got) && sameSign, "e4m3 NaN " + hex(c) + " -> f32");
      check(floatToE4M3(got) == (c | 0x7f), "e4m3 NaN " + hex(c) + " back");
      continue;
    }
    check(double(got) == want && sameSign,
          "e4m3 " + hex(c) + " -> f32 " + hex(floatToBits(got)));
    check(floatToE4M3(got) == c, "e4m3 round trip of " + hex(c));
  }
  check(e4m3ToFloat(0x7e) == 448.0f && e4m3ToFloat(0x01) == 0x1p-9f &&
            e4m3ToFloat(0x08) == 0x1p-6f && e4m3ToFloat(0x38) == 1.0f,
        "e4m3 landmarks");

  // Midpoints between neighbours (exact in f32) go to the even code; just
  // above and below them, to the nearer one. Codes 0..0x7e are the finite
  // magnitudes in increasing order.
  for (unsigned c = 0; c < 0x7e; ++c) {
    float lo = e4m3ToFloat(c), hi = e4m3ToFloat(c + 1);
    float mid = (lo + hi) / 2;
    uint8_t even = (c & 1) ? c + 1 : c;
    std::string what = "midpoint of " + hex(c) + " and " + hex(c + 1);
    checkToE4M3(mid, even, what.c_str());
    checkToE4M3(-mid, 0x80 | even, what.c_str());
    checkToE4M3(std::nextafter(mid, 1e9f), c + 1, what.c_str());
    checkToE4M3(std::nextafter(mid, 0.0f), c, what.c_str());
  }

  // Beyond 448: up to the midpoint 464 (where the next code would be 480)
  // RNE gives 448 anyway; above it saturates.
  float inf = std::numeric_limits<float>::infinity();
  for (float x : {std::nextafter(448.0f, inf), 456.0f, 463.99f, 464.0f, 464.01f,
                  480.0f, 1e6f, 3.4e38f, inf}) {
    checkToE4M3(x, 0x7e, "saturates");
    checkToE4M3(-x, 0xfe, "saturates");
  }
  checkToE4M3(std::numeric_limits<float>::quiet_NaN(), 0x7f, "NaN");
  checkToE4M3(-std::numeric_limits<float>::quiet_NaN(), 0xff, "-NaN");
  checkToE4M3(bitsToFloat(0x7f800001), 0x7f, "signalling NaN");

  // Tiny values: the smallest subnormal is 2^-9; half of it ties to 0.
  checkToE4M3(0x1p-9f, 0x01, "smallest subnormal");
  checkToE4M3(0x1p-10f, 0x00, "tie at 2^-10");
  checkToE4M3(-0x1p-10f, 0x80, "tie at -2^-10");
  checkToE4M3(std::nextafter(0x1p-10f, 1.0f), 0x01, "above 2^-10");
  checkToE4M3(std::nextafter(0x1p-10f, 0.0f), 0x00, "below 2^-10");
  checkToE4M3(0x1p-11f, 0x00, "2^-11");
  checkToE4M3(0x1.8p-9f, 0x02, "tie at 1.5 * 2^-9");
  checkToE4M3(0x1.4p-8f, 0x02, "tie at 2.5 * 2^-9");
  checkToE4M3(0x1.ep-7f, 0x08, "7.5 * 2^-9 to the smallest normal");
  checkToE4M3(std::numeric_limits<float>::denorm_min(), 0x00, "f32 subnormal");
  checkToE4M3(-std::numeric_limits<float>::denorm_min(), 0x80, "-subnormal");
  checkToE4M3(0.0f, 0x00, "zero");
  checkToE4M3(-0.0f, 0x80, "negative zero");

  // Sweeps of f32 bit patterns against the search, both signs: densely
  // from 2^-12 to 512, and coarsely from f32 subnormals to infinity.
  auto sweep = [](uint32_t from, uint32_t to, uint32_t step) {
    for (uint64_t bits = from; bits <= to; bits += step)
      for (uint32_t sign : {0u, 0x80000000u}) {
        float x = bitsToFloat(static_cast<uint32_t>(bits) | sign);
        uint8_t got = floatToE4M3(x), want = e4m3RoundReference(x);
        if (got != want) {
          check(false, "f32 " + hex(floatToBits(x)) + " -> e4m3: expected " +
                           hex(want) + ", got " + hex(got));
          return;
        }
      }
    check(true, "e4m3 sweep");
  };
  sweep(0x39800000u, 0x44000000u, 0x101);
  sweep(0, 0x7f800000u, 0x10003);
}

static void testNpyRoundTrip() {
  for (NpyDType type :
       {NpyDType::Bool, NpyDType::Int8, NpyDType::Int32, NpyDType::Int64,
        NpyDType::Float16, NpyDType::Float32, NpyDType::Float64}) {
    for (std::vector<int64_t> shape :
         {std::vector<int64_t>{2, 3}, {}, {0, 5}, {7}, {1, 2, 3, 4}}) {
      NpyArray array;
      array.dtype = type;
      array.shape = shape;
      size_t bytes = array.getNumElements() * getNpyDTypeSize(type);
      array.data = std::move(*Buffer::allocate(bytes));
      for (size_t i = 0; i < bytes; ++i)
        array.data.data()[i] = type == NpyDType::Bool ? i % 2 : i * 37 + 1;
      std::string what = std::string(getNpyDTypeName(type)) + " " +
                         formatShape(shape) + " round trip";
      Expected<std::string> file = serializeNpy(array);
      check(file && file->size() % 64 == bytes % 64, what + ": serialize");
      if (!file)
        continue;
      Expected<NpyArray> back = parseNpy(file->data(), file->size());
      check(back && back->dtype == type && back->shape == shape &&
                back->data.size() == bytes &&
                !std::memcmp(back->data.data(), array.data.data(), bytes),
            what);
    }
  }
}

/// A valid (2, 3) float32 file with the given format version.
static std::string makeFile(unsigned major) {
  std::string dict = "{'descr': '<f4', 'fortran_order': False, "
                     "'shape': (2, 3), }\n";
  std::string out = std::string("\x93NUMPY", 6) + char(major) + '\0';
  size_t size = dict.size();
  for (unsigned i = 0; i < (major == 1 ? 2u : 4u); ++i)
    out += char((size >> (8 * i)) & 0xff);
  return out + dict + std::string(24, '\x01');
}

static void testNpyRobustness() {
  for (unsigned major : {1u, 2u, 3u}) {
    std::string file = makeFile(major);
    Expected<NpyArray> array = parseNpy(file.data(), file.size());
    check(array && array->shape == std::vector<int64_t>{2, 3},
          "format version " + std::to_string(major) + ".0");
    // Every proper prefix is an error.
    for (size_t n = 0; n < file.size(); ++n)
      if (parseNpy(file.data(), n)) {
        check(false, "truncated to " + std::to_string(n) + " bytes parsed");
        break;
      }
    // Single-byte corruptions of the header: errors or values, no crash.
    const char replacements[] = {'\0', '\xff', '(', ')', ',', ' ', '9', '\'',
                                 ':',  '{',    '}', '<', '>', 'T', '-', '\n'};
    for (size_t pos = 0; pos < file.size() - 24; ++pos)
      for (char c : replacements) {
        std::string bad = file;
        bad[pos] = c;
        Expected<NpyArray> result = parseNpy(bad.data(), bad.size());
        if (result)
          check(result->data.size() == 24, "corrupt header gave bad size");
      }
  }
  check(true, "npy truncations and corruptions");
}

static void testManifestRobustness() {
  std::string text = "attn-abi 1\nfunction main\nsizes 2\nsize 0 arg0.d0\n"
                     "size 1 arg0.d2\narg 0 q f32 4 s0 8 s1 64\n"
                     "result 0 res0 bf16 4 s0 8 s1 64\nend\n";
  Expected<Manifest> manifest = parseManifest(text);
  check(manifest && manifest->args.size() == 1 &&
            manifest->results.size() == 1 &&
            manifest->results[0].type == ElementType::BF16 &&
            manifest->args[0].dims[2].isSymbol &&
            manifest->args[0].dims[2].value == 1,
        "valid manifest");
  // Every truncation short of the final newline fails ("end" must be whole).
  for (size_t n = 0; n + 1 < text.size(); ++n)
    if (parseManifest(std::string_view(text.data(), n))) {
      check(false, "manifest truncated to " + std::to_string(n) + " parsed");
      break;
    }
  for (size_t pos = 0; pos < text.size(); ++pos)
    for (char c : {'\0', ' ', '\n', 's', '9', 'x'}) {
      std::string bad = text;
      bad[pos] = c;
      (void)parseManifest(bad);
    }
  check(true, "manifest truncations and corruptions");

  // The same with a target line.
  std::string cuda = "attn-abi 1\nfunction f\ntarget cuda sm_90a\nsizes 0\n"
                     "arg 0 x f32 1 4\nresult 0 y f32 1 4\nend\n";
  Expected<Manifest> parsed = parseManifest(cuda);
  check(parsed && parsed->target == Target::CUDA && parsed->chip == "sm_90a",
        "manifest with a target line");
  Expected<Manifest> cpu = parseManifest(text);
  check(cpu && cpu->target == Target::CPU && cpu->chip.empty(),
        "manifest without a target line is for the CPU");
  for (size_t n = 0; n + 1 < cuda.size(); ++n)
    if (parseManifest(std::string_view(cuda.data(), n))) {
      check(false,
            "target manifest truncated to " + std::to_string(n) + " parsed");
      break;
    }
  for (size_t pos = 0; pos < cuda.size(); ++pos)
    for (char c : {'\0', ' ', '\n', 's', '9', 'x', '_'}) {
      std::string bad = cuda;
      bad[pos] = c;
      Expected<Manifest> result = parseManifest(bad);
      if (result && result->target == Target::CUDA)
        check(result->chip.size() >= 5 && result->chip.substr(0, 3) == "sm_",
              "corrupt target line gave chip '" + result->chip + "'");
    }
  check(true, "target line truncations and corruptions");
}

int runSelfTest() {
  testF16();
  testBF16();
  testE4M3();
  testNpyRoundTrip();
  testNpyRobustness();
  testManifestRobustness();
  std::printf("selftest: %d checks, %d failures\n", numChecks, numFailures);
  return numFailures ? 1 : 0;
}
