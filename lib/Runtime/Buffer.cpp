//===- Buffer.cpp - Owned, aligned, zeroed host memory --------------------===//

#include "attn/Runtime/Buffer.h"

#include <cstdlib>
#include <cstring>
#include <utility>

using namespace attn::runtime;

Buffer::Buffer(Buffer &&other) noexcept
    : ptr(std::exchange(other.ptr, nullptr)),
      bytes(std::exchange(other.bytes, 0)) {}

Buffer &Buffer::operator=(Buffer &&other) noexcept {
  if (this != &other) {
    std::free(ptr);
    ptr = std::exchange(other.ptr, nullptr);
    bytes = std::exchange(other.bytes, 0);
  }
  return *this;
}

Buffer::~Buffer() { std::free(ptr); }

Expected<Buffer> Buffer::allocate(size_t bytes) {
  // aligned_alloc wants a multiple of the alignment; never ask for 0 bytes.
  if (bytes > SIZE_MAX - kAlignment)
    return makeError("cannot allocate ", bytes, " bytes");
  size_t rounded = (bytes + kAlignment - 1) / kAlignment * kAlignment;
  if (rounded == 0)
    rounded = kAlignment;
  void *ptr = std::aligned_alloc(kAlignment, rounded);
  if (!ptr)
    return makeError("cannot allocate ", bytes, " bytes");
  std::memset(ptr, 0, rounded);
  Buffer buffer;
  buffer.ptr = static_cast<uint8_t *>(ptr);
  buffer.bytes = bytes;
  return buffer;
}
