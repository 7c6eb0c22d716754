//===- NpyFuzzer.cpp - libFuzzer target: the .npy reader ------------------===//
//
// attn-fuzz-npy: the input bytes are a .npy file. rt::parseNpy must return
// an array or an error, never crash, read out of bounds or allocate more than
// the input justifies. An array that parses must serialise and parse back to
// the same dtype, shape and bytes.
//
//===----------------------------------------------------------------------===//

#include "attn/Runtime/Npy.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace rt = attn::runtime;

static void check(bool ok, const char *what) {
  if (ok)
    return;
  std::fprintf(stderr, "attn-fuzz-npy: %s\n", what);
  std::abort();
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  rt::Expected<rt::NpyArray> array = rt::parseNpy(data, size);
  if (!array) {
    check(!array.getError().empty(), "an error without a message");
    return 0;
  }
  // The data is the tail of the input: its size is bounded by the input's.
  size_t bytes = static_cast<size_t>(array->getNumElements()) *
                 rt::getNpyDTypeSize(array->dtype);
  check(array->data.size() == bytes, "buffer size differs from the shape's");
  check(bytes <= size, "more data than input bytes");
  if (array->dtype == rt::NpyDType::Bool)
    for (size_t i = 0; i < bytes; ++i)
      check(array->data.data()[i] <= 1, "a bool element other than 0 or 1");

  rt::Expected<std::string> text = rt::serializeNpy(*array);
  check(static_cast<bool>(text), "a parsed array does not serialise");
  rt::Expected<rt::NpyArray> again = rt::parseNpy(text->data(), text->size());
  check(static_cast<bool>(again), "a serialised array does not parse");
  check(again->dtype == array->dtype, "round trip changed the dtype");
  check(again->shape == array->shape, "round trip changed the shape");
  check(again->data.size() == bytes &&
            (bytes == 0 ||
             std::memcmp(again->data.data(), array->data.data(), bytes) == 0),
        "round trip changed the data");
  return 0;
}
