//===- Buffer.h - Owned, aligned, zeroed host memory -----------*- C++ -*-===//

#ifndef ATTN_RUNTIME_BUFFER_H
#define ATTN_RUNTIME_BUFFER_H

#include "attn/Runtime/Expected.h"

#include <cstddef>
#include <cstdint>

namespace attn {
namespace runtime {

/// A move-only block of host memory, zero-initialised and aligned to 64 bytes
/// (a cache line and an AVX-512 vector) so compiled kernels can use aligned
/// loads. Allocation failure is an error, not an exception: sizes come from
/// user files.
class Buffer {
public:
  static constexpr size_t kAlignment = 64;

  Buffer() = default;
  Buffer(Buffer &&other) noexcept;
  Buffer &operator=(Buffer &&other) noexcept;
  Buffer(const Buffer &) = delete;
  Buffer &operator=(const Buffer &) = delete;
  ~Buffer();

  /// Allocates `bytes` zeroed bytes. A zero-byte buffer still has a valid,
  /// unique pointer so it can be passed to compiled code.
  static Expected<Buffer> allocate(size_t bytes);

  uint8_t *data() { return ptr; }
  const uint8_t *data() const { return ptr; }
  size_t size() const { return bytes; }

private:
  uint8_t *ptr = nullptr;
  size_t bytes = 0;
};

} // namespace runtime
} // namespace attn

#endif // ATTN_RUNTIME_BUFFER_H
