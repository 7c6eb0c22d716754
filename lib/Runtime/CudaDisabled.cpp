//===- CudaDisabled.cpp - attn/Runtime/Cuda.h without CUDA ----------------===//
//
// Built instead of the CUDA half of the runtime when cuda.h is not available
// (ATTN_ENABLE_CUDA_RUNTIME=OFF): the same API, and every call fails.
//
//===----------------------------------------------------------------------===//

#include "attn/Runtime/Cuda.h"

#include <fmt/format.h>

#include <utility>

using namespace attn::runtime;
using namespace attn::runtime::cuda;

static Error getDisabledError() {
  return Error{"this runtime was built without CUDA support"};
}

bool cuda::isBuiltWithCuda() { return false; }

Status cuda::initialize() { return getDisabledError(); }

std::string DeviceInfo::getChip() const {
  return fmt::format("sm_{}{}", major, minor);
}

Expected<DeviceInfo> cuda::getDeviceInfo() { return getDisabledError(); }

std::string cuda::getLastCallError() { return ""; }

Expected<Stream> Stream::create() { return getDisabledError(); }
Stream::Stream(Stream &&other) noexcept
    : handle(std::exchange(other.handle, nullptr)) {}
Stream &Stream::operator=(Stream &&other) noexcept {
  handle = std::exchange(other.handle, nullptr);
  return *this;
}
Stream::~Stream() = default;
Status Stream::synchronize() const { return getDisabledError(); }

Expected<Event> Event::create() { return getDisabledError(); }
Event::Event(Event &&other) noexcept
    : handle(std::exchange(other.handle, nullptr)) {}
Event &Event::operator=(Event &&other) noexcept {
  handle = std::exchange(other.handle, nullptr);
  return *this;
}
Event::~Event() = default;
Status Event::record(const Stream &stream) { return getDisabledError(); }
Expected<double> Event::getElapsedMs(const Event &start, const Event &end) {
  return getDisabledError();
}

Expected<DeviceBuffer> DeviceBuffer::allocate(size_t bytes) {
  return getDisabledError();
}
DeviceBuffer::DeviceBuffer(DeviceBuffer &&other) noexcept
    : address(std::exchange(other.address, nullptr)),
      bytes(std::exchange(other.bytes, 0)) {}
DeviceBuffer &DeviceBuffer::operator=(DeviceBuffer &&other) noexcept {
  address = std::exchange(other.address, nullptr);
  bytes = std::exchange(other.bytes, 0);
  return *this;
}
DeviceBuffer::~DeviceBuffer() = default;
Status DeviceBuffer::copyFromHost(const void *src, size_t count,
                                  const Stream &stream) {
  return getDisabledError();
}
Status DeviceBuffer::copyToHost(void *dst, size_t count,
                                const Stream &stream) const {
  return getDisabledError();
}
Status DeviceBuffer::clear(const Stream &stream) { return getDisabledError(); }
