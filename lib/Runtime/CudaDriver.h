//===- CudaDriver.h - The CUDA driver, loaded at first use -----*- C++ -*-===//
//
// Internal to the runtime. cuda.h gives the types and prototypes only:
// libcuda.so.1 is dlopen'ed once per process and every entry point resolved
// with dlsym, under the exact (versioned) names that cuda.h maps the API
// names to (cuMemAlloc is cuMemAlloc_v2, ...).
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_LIB_RUNTIME_CUDADRIVER_H
#define ATTN_LIB_RUNTIME_CUDADRIVER_H

#include "attn/Runtime/Expected.h"

#include <cuda.h>

#include <string>

namespace attn {
namespace runtime {
namespace cuda {
namespace detail {

// Entry points the runtime cannot work without.
#define ATTN_CUDA_REQUIRED_FUNCTIONS(X)                                        \
  X(cuGetErrorName)                                                            \
  X(cuGetErrorString)                                                          \
  X(cuInit)                                                                    \
  X(cuDeviceGetCount)                                                          \
  X(cuDeviceGet)                                                               \
  X(cuDeviceGetName)                                                           \
  X(cuDeviceGetAttribute)                                                      \
  X(cuDevicePrimaryCtxRetain)                                                  \
  X(cuCtxGetCurrent)                                                           \
  X(cuCtxSetCurrent)                                                           \
  X(cuCtxSynchronize)                                                          \
  X(cuModuleLoadData)                                                          \
  X(cuModuleLoadDataEx)                                                        \
  X(cuModuleUnload)                                                            \
  X(cuModuleGetFunction)                                                       \
  X(cuFuncSetAttribute)                                                        \
  X(cuLaunchKernel)                                                            \
  X(cuMemAlloc_v2)                                                             \
  X(cuMemAllocManaged)                                                         \
  X(cuMemFree_v2)                                                              \
  X(cuMemcpyHtoD_v2)                                                           \
  X(cuMemcpyHtoDAsync_v2)                                                      \
  X(cuMemcpyDtoHAsync_v2)                                                      \
  X(cuMemcpyAsync)                                                             \
  X(cuMemsetD8Async)                                                           \
  X(cuStreamCreate)                                                            \
  X(cuStreamDestroy_v2)                                                        \
  X(cuStreamSynchronize)                                                       \
  X(cuEventCreate)                                                             \
  X(cuEventDestroy_v2)                                                         \
  X(cuEventRecord)                                                             \
  X(cuEventSynchronize)

// Entry points of newer drivers, used when present: stream-ordered memory
// (CUDA 11.2) and TMA tensor maps (CUDA 12.0).
#define ATTN_CUDA_OPTIONAL_FUNCTIONS(X)                                        \
  X(cuMemAllocAsync)                                                           \
  X(cuMemFreeAsync)                                                            \
  X(cuTensorMapEncodeTiled)

/// The resolved driver and the device in use.
struct Driver {
#define ATTN_CUDA_DECLARE(name) decltype(&::name) name = nullptr;
  ATTN_CUDA_REQUIRED_FUNCTIONS(ATTN_CUDA_DECLARE)
  ATTN_CUDA_OPTIONAL_FUNCTIONS(ATTN_CUDA_DECLARE)
#undef ATTN_CUDA_DECLARE
  /// cuEventElapsedTime_v2 (drivers from CUDA 12.8 on), else the original
  /// cuEventElapsedTime; both have this signature.
  decltype(&::cuEventElapsedTime_v2) eventElapsedTime = nullptr;

  int ordinal = 0;
  CUdevice device = 0;
  /// The device's primary context, retained for the life of the process.
  CUcontext context = nullptr;
  std::string name;
  int major = 0, minor = 0;
  /// Whether cuMemAllocAsync can be used (CU_DEVICE_ATTRIBUTE_MEMORY_POOLS_
  /// SUPPORTED and the entry points are present).
  bool memoryPools = false;

  /// "cuInit failed: CUDA_ERROR_NO_DEVICE (no CUDA-capable device is
  /// detected)". `call` is the API name (cuMemAlloc, not cuMemAlloc_v2).
  std::string describe(const char *call, CUresult result) const;
  /// "device 0 (NVIDIA H100 80GB HBM3, sm_90)".
  std::string describeDevice() const;
};

/// Loads and initialises the driver on first use (once per process; a
/// failure is remembered), then makes the device's primary context current
/// on the calling thread. Errors: "no CUDA driver: dlopen libcuda.so.1
/// failed: ...", "cuInit failed: ...", ...
Expected<const Driver *> getDriver();

} // namespace detail
} // namespace cuda
} // namespace runtime
} // namespace attn

#endif // ATTN_LIB_RUNTIME_CUDADRIVER_H
