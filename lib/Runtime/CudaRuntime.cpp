//===- CudaRuntime.cpp - The functions CUDA modules import ----------------===//
//
// attnCuda* and MLIR's mgpu* host functions (attn/Runtime/CudaRuntime.h)
// over the dynamically loaded driver. Nothing here prints, throws or aborts:
// failures go to the calling thread's status.
//
//===----------------------------------------------------------------------===//

#include "attn/Runtime/CudaRuntime.h"

#include "CudaDriver.h"
#include "CudaStatus.h"
#include "CudaTensorMap.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <climits>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <unordered_set>

using namespace attn::runtime;
using namespace attn::runtime::cuda::detail;

namespace {

struct LoadedModule;

/// A kernel of a loaded module: what mgpuModuleGetFunction returns.
struct Kernel {
  std::string name;
  CUfunction function = nullptr;
  /// The dynamic shared memory the kernel is allowed; raised for launches
  /// that need more than the default 48 KiB.
  std::atomic<int32_t> maxDynamicSharedBytes{48 * 1024};
};

/// What mgpuModuleLoad returns: the CUmodule, or why it did not load.
struct LoadedModule {
  CUmodule module = nullptr;
  std::string error;
  std::mutex mutex;
  /// Compiled code looks its kernels up before every launch.
  std::map<std::string, std::unique_ptr<Kernel>, std::less<>> kernels;
};

/// Returned when even the handle cannot be allocated.
LoadedModule *getOutOfMemoryModule() {
  static LoadedModule *module = [] {
    auto *m = new LoadedModule();
    m->error = "cannot load the CUDA module: out of host memory";
    return m;
  }();
  return module;
}

/// The handle of a failed load, with the failure recorded. `driver` is set
/// if the failure was the driver's to load the module.
LoadedModule *makeFailedModule(const std::string &error,
                               const Driver *driver = nullptr) {
  std::string message =
      driver ? fmt::format("cannot load the CUDA module on {}: {}",
                           driver->describeDevice(), error)
             : fmt::format("cannot load the CUDA module: {}", error);
  recordFailure(message);
  auto *module = new (std::nothrow) LoadedModule();
  if (!module)
    return getOutOfMemoryModule();
  module->error = std::move(message);
  return module;
}

LoadedModule *makeLoadedModule(CUmodule cuModule) {
  auto *module = new (std::nothrow) LoadedModule();
  if (!module)
    return getOutOfMemoryModule();
  module->module = cuModule;
  return module;
}

/// The stream that compiled code passes back: the call's stream.
CUstream getCallStream() { return getThreadStatus().stream; }

/// Managed allocations (isHostShared), which mgpuMemFree must free with
/// cuMemFree rather than in stream order.
struct ManagedAllocations {
  std::mutex mutex;
  std::unordered_set<CUdeviceptr> pointers;
};

ManagedAllocations &getManagedAllocations() {
  static ManagedAllocations *allocations = new ManagedAllocations();
  return *allocations;
}

std::string formatDims(intptr_t x, intptr_t y, intptr_t z) {
  return fmt::format("{}x{}x{}", x, y, z);
}

} // namespace

//===----------------------------------------------------------------------===//
// Calls
//===----------------------------------------------------------------------===//

extern "C" void attnCudaBeginCall(void *stream) {
  ThreadStatus &status = getThreadStatus();
  // A call that never ended (its entry returned early) is still counted.
  bool continuesCall = status.inCall;
  status.inCall = true;
  status.failed = false;
  status.message[0] = '\0';
  status.stream = static_cast<CUstream>(stream);
  // After the status is cleared, so that its failures are this call's.
  beginCallForTensorMaps(continuesCall);
}

extern "C" int32_t attnCudaEndCall(void) {
  ThreadStatus &status = getThreadStatus();
  if (status.inCall)
    endCallForTensorMaps();
  status.inCall = false;
  status.stream = nullptr;
  return status.failed ? 2 : 0;
}

extern "C" const char *attnCudaLastError(void) {
  return getThreadStatus().message;
}

//===----------------------------------------------------------------------===//
// Modules and kernels
//===----------------------------------------------------------------------===//

extern "C" void *mgpuModuleLoad(void *data, size_t gpuBlobSize) {
  return guard<void *>(getOutOfMemoryModule(), [&]() -> void * {
    if (!data || gpuBlobSize == 0)
      return makeFailedModule("empty binary");
    Expected<const Driver *> loaded = getDriver();
    if (!loaded)
      return makeFailedModule(loaded.getError());
    const Driver *driver = *loaded;
    CUmodule module = nullptr;
    if (CUresult result = driver->cuModuleLoadData(&module, data))
      return makeFailedModule(driver->describe("cuModuleLoadData", result),
                              driver);
    return makeLoadedModule(module);
  });
}

extern "C" void *mgpuModuleLoadJIT(void *data, int optLevel) {
  return guard<void *>(getOutOfMemoryModule(), [&]() -> void * {
    if (!data)
      return makeFailedModule("no PTX");
    Expected<const Driver *> loaded = getDriver();
    if (!loaded)
      return makeFailedModule(loaded.getError());
    const Driver *driver = *loaded;
    // The JIT's error log says which line of the PTX it rejected.
    char log[8192] = {};
    CUjit_option options[] = {CU_JIT_OPTIMIZATION_LEVEL,
                              CU_JIT_ERROR_LOG_BUFFER,
                              CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES};
    void *values[] = {
        reinterpret_cast<void *>(static_cast<uintptr_t>(optLevel)), log,
        reinterpret_cast<void *>(static_cast<uintptr_t>(sizeof(log) - 1))};
    CUmodule module = nullptr;
    if (CUresult result = driver->cuModuleLoadDataEx(
            &module, data, std::size(options), options, values)) {
      std::string message = driver->describe("cuModuleLoadDataEx", result);
      std::string_view text(log, strnlen(log, sizeof(log)));
      while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
        text.remove_suffix(1);
      if (!text.empty())
        message += fmt::format(": {}", text);
      return makeFailedModule(message, driver);
    }
    return makeLoadedModule(module);
  });
}

extern "C" void mgpuModuleUnload(void *handle) {
  auto *module = static_cast<LoadedModule *>(handle);
  if (!module || module == getOutOfMemoryModule())
    return;
  if (module->module) {
    // The driver is already initialised if the module loaded.
    Expected<const Driver *> driver = getDriver();
    if (driver) {
      CUresult result = (*driver)->cuModuleUnload(module->module);
      // At process exit the driver may be shut down before this runs.
      if (result && result != CUDA_ERROR_DEINITIALIZED)
        guard<int>(0, [&] {
          recordFailure((*driver)->describe("cuModuleUnload", result));
          return 0;
        });
    }
  }
  delete module;
}

extern "C" void *mgpuModuleGetFunction(void *handle, const char *name) {
  return guard<void *>(nullptr, [&]() -> void * {
    auto *module = static_cast<LoadedModule *>(handle);
    if (!module) {
      recordFailure(fmt::format(
          "kernel '{}' of a CUDA module that was not loaded", name));
      return nullptr;
    }
    if (!module->error.empty()) {
      recordFailure(module->error);
      return nullptr;
    }
    std::lock_guard<std::mutex> lock(module->mutex);
    auto it = module->kernels.find(std::string_view(name));
    if (it != module->kernels.end())
      return it->second.get();
    const Driver *driver = acquireDriver();
    if (!driver)
      return nullptr;
    CUfunction function = nullptr;
    if (CUresult result =
            driver->cuModuleGetFunction(&function, module->module, name)) {
      recordFailure(
          fmt::format("kernel '{}': {}", name,
                      driver->describe("cuModuleGetFunction", result)));
      return nullptr;
    }
    auto kernel = std::make_unique<Kernel>();
    kernel->name = name;
    kernel->function = function;
    Kernel *result = kernel.get();
    module->kernels.emplace(name, std::move(kernel));
    return result;
  });
}

extern "C" void mgpuLaunchKernel(void *function, intptr_t gridX, intptr_t gridY,
                                 intptr_t gridZ, intptr_t blockX,
                                 intptr_t blockY, intptr_t blockZ, int32_t smem,
                                 void *stream, void **params, void **extra,
                                 size_t paramsCount) {
  guard<int>(0, [&] {
    ThreadStatus &status = getThreadStatus();
    // Launching after a failed allocation or lookup could only fault.
    if (status.inCall && status.failed)
      return 0;
    auto *kernel = static_cast<Kernel *>(function);
    if (!kernel) {
      recordFailure("launch of a CUDA kernel that could not be loaded");
      return 0;
    }
    auto describeLaunch = [&] {
      return fmt::format("launch of kernel '{}' (grid {}, block {}, {} bytes "
                         "of dynamic shared memory)",
                         kernel->name, formatDims(gridX, gridY, gridZ),
                         formatDims(blockX, blockY, blockZ), smem);
    };
    for (intptr_t dim : {gridX, gridY, gridZ, blockX, blockY, blockZ})
      if (dim < 0 || static_cast<uintmax_t>(dim) > UINT_MAX) {
        recordFailure(describeLaunch() + ": dimension out of range");
        return 0;
      }
    if (smem < 0) {
      recordFailure(describeLaunch() + ": negative shared memory size");
      return 0;
    }
    // Empty grids come from empty tensors: there is nothing to do.
    if (!gridX || !gridY || !gridZ || !blockX || !blockY || !blockZ)
      return 0;
    const Driver *driver = acquireDriver();
    if (!driver)
      return 0;
    if (smem > kernel->maxDynamicSharedBytes.load()) {
      if (CUresult result = driver->cuFuncSetAttribute(
              kernel->function, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
              smem)) {
        recordFailure(
            fmt::format("{}: {}", describeLaunch(),
                        driver->describe("cuFuncSetAttribute", result)));
        return 0;
      }
      int32_t current = kernel->maxDynamicSharedBytes.load();
      while (
          current < smem &&
          !kernel->maxDynamicSharedBytes.compare_exchange_weak(current, smem)) {
      }
    }
    if (CUresult result = driver->cuLaunchKernel(
            kernel->function, gridX, gridY, gridZ, blockX, blockY, blockZ, smem,
            static_cast<CUstream>(stream), params, extra))
      recordFailure(fmt::format("{}: {}", describeLaunch(),
                                driver->describe("cuLaunchKernel", result)));
    return 0;
  });
}

//===----------------------------------------------------------------------===//
// Streams
//===----------------------------------------------------------------------===//

extern "C" void *mgpuStreamCreate(void) { return getCallStream(); }

extern "C" void mgpuStreamSynchronize(void *stream) {
  // The caller's stream: its work stays asynchronous, as with any CUDA
  // library; the caller synchronises.
  if (static_cast<CUstream>(stream) == getCallStream())
    return;
  guard<int>(0, [&] {
    if (const Driver *driver = acquireDriver())
      if (CUresult result =
              driver->cuStreamSynchronize(static_cast<CUstream>(stream)))
        recordFailure(driver->describe("cuStreamSynchronize", result));
    return 0;
  });
}

extern "C" void mgpuStreamDestroy(void *stream) {
  // mgpuStreamCreate creates nothing, so there is nothing to destroy.
}

//===----------------------------------------------------------------------===//
// Memory
//===----------------------------------------------------------------------===//

extern "C" void *mgpuMemAlloc(uint64_t sizeBytes, void *stream,
                              bool isHostShared) {
  return guard<void *>(nullptr, [&]() -> void * {
    if (sizeBytes == 0)
      return nullptr;
    const Driver *driver = acquireDriver();
    if (!driver)
      return nullptr;
    CUdeviceptr ptr = 0;
    const char *call = "cuMemAlloc";
    CUresult result;
    if (isHostShared) {
      call = "cuMemAllocManaged";
      result = driver->cuMemAllocManaged(&ptr, sizeBytes, CU_MEM_ATTACH_GLOBAL);
      if (result == CUDA_SUCCESS) {
        ManagedAllocations &managed = getManagedAllocations();
        std::lock_guard<std::mutex> lock(managed.mutex);
        managed.pointers.insert(ptr);
      }
    } else if (driver->memoryPools) {
      call = "cuMemAllocAsync";
      result = driver->cuMemAllocAsync(&ptr, sizeBytes,
                                       static_cast<CUstream>(stream));
    } else {
      result = driver->cuMemAlloc_v2(&ptr, sizeBytes);
    }
    if (result) {
      recordFailure(fmt::format("allocating {} bytes: {}", sizeBytes,
                                driver->describe(call, result)));
      return nullptr;
    }
    return reinterpret_cast<void *>(ptr);
  });
}

/// A copy in either direction (unified addressing tells host from device
/// pointers): the scalars that compiled code reads on the host, and
/// constants that go to the device. It waits for the stream, so that the
/// host may read what came back (synchronising the call's stream does not
/// wait, see mgpuStreamSynchronize).
extern "C" void mgpuMemcpy(void *dst, void *src, size_t sizeBytes,
                           void *stream) {
  if (sizeBytes == 0)
    return;
  guard<int>(0, [&] {
    const Driver *driver = acquireDriver();
    if (!driver)
      return 0;
    auto cuStream = static_cast<CUstream>(stream);
    if (CUresult result = driver->cuMemcpyAsync(
            reinterpret_cast<CUdeviceptr>(dst),
            reinterpret_cast<CUdeviceptr>(src), sizeBytes, cuStream))
      recordFailure(driver->describe("cuMemcpyAsync", result));
    else if (CUresult result = driver->cuStreamSynchronize(cuStream))
      recordFailure(driver->describe("cuStreamSynchronize", result));
    return 0;
  });
}

extern "C" void mgpuMemFree(void *ptr, void *stream) {
  if (!ptr)
    return;
  guard<int>(0, [&] {
    const Driver *driver = acquireDriver();
    if (!driver)
      return 0;
    auto address = reinterpret_cast<CUdeviceptr>(ptr);
    bool isManaged = false;
    {
      ManagedAllocations &managed = getManagedAllocations();
      std::lock_guard<std::mutex> lock(managed.mutex);
      isManaged = managed.pointers.erase(address) != 0;
    }
    const char *call = "cuMemFree";
    CUresult result;
    if (!isManaged && driver->memoryPools) {
      call = "cuMemFreeAsync";
      result = driver->cuMemFreeAsync(address, static_cast<CUstream>(stream));
    } else {
      result = driver->cuMemFree_v2(address);
    }
    if (result)
      recordFailure(driver->describe(call, result));
    return 0;
  });
}
