//===- Cuda.h - Device memory, streams and timing for CUDA modules -*- C++ -*-//
//
// The runtime's own use of the CUDA driver: device buffers, a stream to run
// a module's calls on, events to time them, and the device's name. The
// driver (libcuda.so.1) is loaded with dlopen at first use, so programs
// neither link it nor need it unless they run a CUDA module. Every failure is
// an error message, e.g. "no CUDA driver: dlopen libcuda.so.1 failed: ..."
// or "cuInit failed: CUDA_ERROR_NO_DEVICE (no CUDA-capable device is
// detected)".
//
// The device is $ATTN_CUDA_DEVICE (an ordinal, default 0); its primary
// context is made current on each thread that uses it. A runtime built
// without cuda.h (ATTN_ENABLE_CUDA_RUNTIME=OFF) has the same API, and every
// call fails with "this runtime was built without CUDA support".
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_RUNTIME_CUDA_H
#define ATTN_RUNTIME_CUDA_H

#include "attn/Runtime/Expected.h"

#include <cstddef>
#include <string>

namespace attn {
namespace runtime {
namespace cuda {

/// Whether this runtime was built with its CUDA half.
bool isBuiltWithCuda();

/// Loads the driver and initialises the device once per process, then makes
/// its primary context current on the calling thread. The other functions
/// here call it; a failure is remembered and returned again.
Status initialize();

struct DeviceInfo {
  /// The ordinal ($ATTN_CUDA_DEVICE or 0).
  int ordinal = 0;
  /// The product name, e.g. "NVIDIA H100 80GB HBM3".
  std::string name;
  /// The compute capability, e.g. 9 and 0.
  int major = 0, minor = 0;
  /// The chip as manifests spell it: "sm_90".
  std::string getChip() const;
};

/// The device the runtime uses.
Expected<DeviceInfo> getDeviceInfo();

/// An owned CUstream (non-blocking with respect to the default stream).
class Stream {
public:
  static Expected<Stream> create();
  Stream() = default;
  Stream(Stream &&other) noexcept;
  Stream &operator=(Stream &&other) noexcept;
  Stream(const Stream &) = delete;
  Stream &operator=(const Stream &) = delete;
  ~Stream();

  /// The CUstream, as passed to a CUDA module's packed entry.
  void *get() const { return handle; }
  /// Waits for all work on the stream; reports errors of earlier launches.
  Status synchronize() const;

private:
  void *handle = nullptr;
};

/// An owned CUevent with timing enabled.
class Event {
public:
  static Expected<Event> create();
  Event() = default;
  Event(Event &&other) noexcept;
  Event &operator=(Event &&other) noexcept;
  Event(const Event &) = delete;
  Event &operator=(const Event &) = delete;
  ~Event();

  /// Records the event on `stream`.
  Status record(const Stream &stream);
  /// Waits for `end`, then returns the milliseconds between the two recorded
  /// events (the device time of the work between them).
  static Expected<double> getElapsedMs(const Event &start, const Event &end);

private:
  void *handle = nullptr;
};

/// Owned device memory (cuMemAlloc), uninitialised until written or cleared.
/// A zero-byte buffer still has a valid, unique address so it can be passed
/// to compiled code.
class DeviceBuffer {
public:
  static Expected<DeviceBuffer> allocate(size_t bytes);
  DeviceBuffer() = default;
  DeviceBuffer(DeviceBuffer &&other) noexcept;
  DeviceBuffer &operator=(DeviceBuffer &&other) noexcept;
  DeviceBuffer(const DeviceBuffer &) = delete;
  DeviceBuffer &operator=(const DeviceBuffer &) = delete;
  ~DeviceBuffer();

  /// The device address (a CUdeviceptr) as a pointer, for a packed entry.
  void *get() const { return address; }
  size_t size() const { return bytes; }

  /// Copies `count` (<= size()) bytes from host memory, ordered on `stream`
  /// after its earlier work; returns when the copy is done.
  Status copyFromHost(const void *src, size_t count, const Stream &stream);
  /// Copies `count` (<= size()) bytes to host memory, ordered on `stream`
  /// after its earlier work; returns when the copy is done.
  Status copyToHost(void *dst, size_t count, const Stream &stream) const;
  /// Sets every byte to zero, ordered on `stream` (asynchronously).
  Status clear(const Stream &stream);

private:
  void *address = nullptr;
  size_t bytes = 0;
};

/// The message of the failure that made a CUDA module's entry return 2 on
/// this thread (attnCudaLastError); empty if none.
std::string getLastCallError();

} // namespace cuda
} // namespace runtime
} // namespace attn

#endif // ATTN_RUNTIME_CUDA_H
