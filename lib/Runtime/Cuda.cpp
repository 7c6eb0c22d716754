//===- Cuda.cpp - Device memory, streams and timing for CUDA modules ------===//

#include "attn/Runtime/Cuda.h"

#include "attn/Runtime/CudaRuntime.h"

#include "CudaDriver.h"

#include <fmt/format.h>

#include <utility>

using namespace attn::runtime;
using namespace attn::runtime::cuda;
using detail::Driver;
using detail::getDriver;

bool cuda::isBuiltWithCuda() { return true; }

Status cuda::initialize() {
  Expected<const Driver *> driver = getDriver();
  if (!driver)
    return driver.takeError();
  return Status::success();
}

std::string DeviceInfo::getChip() const {
  return fmt::format("sm_{}{}", major, minor);
}

Expected<DeviceInfo> cuda::getDeviceInfo() {
  Expected<const Driver *> driver = getDriver();
  if (!driver)
    return driver.takeError();
  DeviceInfo info;
  info.ordinal = (*driver)->ordinal;
  info.name = (*driver)->name;
  info.major = (*driver)->major;
  info.minor = (*driver)->minor;
  return info;
}

std::string cuda::getLastCallError() { return attnCudaLastError(); }

//===----------------------------------------------------------------------===//
// Stream
//===----------------------------------------------------------------------===//

Expected<Stream> Stream::create() {
  Expected<const Driver *> driver = getDriver();
  if (!driver)
    return driver.takeError();
  CUstream handle = nullptr;
  if (CUresult result =
          (*driver)->cuStreamCreate(&handle, CU_STREAM_NON_BLOCKING))
    return Error{(*driver)->describe("cuStreamCreate", result)};
  Stream stream;
  stream.handle = handle;
  return stream;
}

Stream::Stream(Stream &&other) noexcept
    : handle(std::exchange(other.handle, nullptr)) {}

Stream &Stream::operator=(Stream &&other) noexcept {
  if (this != &other) {
    Stream old(std::move(*this));
    handle = std::exchange(other.handle, nullptr);
  }
  return *this;
}

Stream::~Stream() {
  if (!handle)
    return;
  // A stream exists only once the driver is initialised.
  if (Expected<const Driver *> driver = getDriver())
    (*driver)->cuStreamDestroy_v2(static_cast<CUstream>(handle));
}

Status Stream::synchronize() const {
  Expected<const Driver *> driver = getDriver();
  if (!driver)
    return driver.takeError();
  if (CUresult result =
          (*driver)->cuStreamSynchronize(static_cast<CUstream>(handle)))
    return Error{(*driver)->describe("cuStreamSynchronize", result)};
  return Status::success();
}

//===----------------------------------------------------------------------===//
// Event
//===----------------------------------------------------------------------===//

Expected<Event> Event::create() {
  Expected<const Driver *> driver = getDriver();
  if (!driver)
    return driver.takeError();
  CUevent handle = nullptr;
  if (CUresult result = (*driver)->cuEventCreate(&handle, CU_EVENT_DEFAULT))
    return Error{(*driver)->describe("cuEventCreate", result)};
  Event event;
  event.handle = handle;
  return event;
}

Event::Event(Event &&other) noexcept
    : handle(std::exchange(other.handle, nullptr)) {}

Event &Event::operator=(Event &&other) noexcept {
  if (this != &other) {
    Event old(std::move(*this));
    handle = std::exchange(other.handle, nullptr);
  }
  return *this;
}

Event::~Event() {
  if (!handle)
    return;
  if (Expected<const Driver *> driver = getDriver())
    (*driver)->cuEventDestroy_v2(static_cast<CUevent>(handle));
}

Status Event::record(const Stream &stream) {
  Expected<const Driver *> driver = getDriver();
  if (!driver)
    return driver.takeError();
  if (CUresult result = (*driver)->cuEventRecord(
          static_cast<CUevent>(handle), static_cast<CUstream>(stream.get())))
    return Error{(*driver)->describe("cuEventRecord", result)};
  return Status::success();
}

Expected<double> Event::getElapsedMs(const Event &start, const Event &end) {
  Expected<const Driver *> driver = getDriver();
  if (!driver)
    return driver.takeError();
  if (CUresult result =
          (*driver)->cuEventSynchronize(static_cast<CUevent>(end.handle)))
    return Error{(*driver)->describe("cuEventSynchronize", result)};
  float ms = 0;
  if (CUresult result =
          (*driver)->eventElapsedTime(&ms, static_cast<CUevent>(start.handle),
                                      static_cast<CUevent>(end.handle)))
    return Error{(*driver)->describe("cuEventElapsedTime", result)};
  return static_cast<double>(ms);
}

//===----------------------------------------------------------------------===//
// DeviceBuffer
//===----------------------------------------------------------------------===//

Expected<DeviceBuffer> DeviceBuffer::allocate(size_t bytes) {
  Expected<const Driver *> driver = getDriver();
  if (!driver)
    return driver.takeError();
  CUdeviceptr address = 0;
  // The driver refuses zero bytes; one byte gives the unique address.
  if (CUresult result = (*driver)->cuMemAlloc_v2(&address, bytes ? bytes : 1))
    return Error{fmt::format("cannot allocate {} bytes on the device: {}",
                             bytes, (*driver)->describe("cuMemAlloc", result))};
  DeviceBuffer buffer;
  buffer.address = reinterpret_cast<void *>(address);
  buffer.bytes = bytes;
  return buffer;
}

DeviceBuffer::DeviceBuffer(DeviceBuffer &&other) noexcept
    : address(std::exchange(other.address, nullptr)),
      bytes(std::exchange(other.bytes, 0)) {}

DeviceBuffer &DeviceBuffer::operator=(DeviceBuffer &&other) noexcept {
  if (this != &other) {
    DeviceBuffer old(std::move(*this));
    address = std::exchange(other.address, nullptr);
    bytes = std::exchange(other.bytes, 0);
  }
  return *this;
}

DeviceBuffer::~DeviceBuffer() {
  if (!address)
    return;
  if (Expected<const Driver *> driver = getDriver())
    (*driver)->cuMemFree_v2(reinterpret_cast<CUdeviceptr>(address));
}

Status DeviceBuffer::copyFromHost(const void *src, size_t count,
                                  const Stream &stream) {
  if (count > bytes)
    return Error{fmt::format("cannot copy {} bytes into a device buffer of {}",
                             count, bytes)};
  if (count == 0)
    return Status::success();
  Expected<const Driver *> driver = getDriver();
  if (!driver)
    return driver.takeError();
  if (CUresult result = (*driver)->cuMemcpyHtoDAsync_v2(
          reinterpret_cast<CUdeviceptr>(address), src, count,
          static_cast<CUstream>(stream.get())))
    return Error{(*driver)->describe("cuMemcpyHtoDAsync", result)};
  return stream.synchronize();
}

Status DeviceBuffer::copyToHost(void *dst, size_t count,
                                const Stream &stream) const {
  if (count > bytes)
    return Error{fmt::format(
        "cannot copy {} bytes out of a device buffer of {}", count, bytes)};
  if (count == 0)
    return Status::success();
  Expected<const Driver *> driver = getDriver();
  if (!driver)
    return driver.takeError();
  if (CUresult result = (*driver)->cuMemcpyDtoHAsync_v2(
          dst, reinterpret_cast<CUdeviceptr>(address), count,
          static_cast<CUstream>(stream.get())))
    return Error{(*driver)->describe("cuMemcpyDtoHAsync", result)};
  return stream.synchronize();
}

Status DeviceBuffer::clear(const Stream &stream) {
  if (bytes == 0)
    return Status::success();
  Expected<const Driver *> driver = getDriver();
  if (!driver)
    return driver.takeError();
  if (CUresult result = (*driver)->cuMemsetD8Async(
          reinterpret_cast<CUdeviceptr>(address), 0, bytes,
          static_cast<CUstream>(stream.get())))
    return Error{(*driver)->describe("cuMemsetD8Async", result)};
  return Status::success();
}
