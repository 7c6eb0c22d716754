//===- CudaDriver.cpp - The CUDA driver, loaded at first use --------------===//

#include "CudaDriver.h"

#include <fmt/format.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <dlfcn.h>
#include <mutex>

using namespace attn::runtime;
using namespace attn::runtime::cuda::detail;

static constexpr const char *kDriverLibrary = "libcuda.so.1";

std::string Driver::describe(const char *call, CUresult result) const {
  const char *name = nullptr, *text = nullptr;
  if (cuGetErrorName(result, &name) != CUDA_SUCCESS || !name)
    return fmt::format("{} failed: CUDA error {}", call,
                       static_cast<int>(result));
  if (cuGetErrorString(result, &text) != CUDA_SUCCESS || !text)
    return fmt::format("{} failed: {}", call, name);
  return fmt::format("{} failed: {} ({})", call, name, text);
}

std::string Driver::describeDevice() const {
  return fmt::format("device {} ({}, sm_{}{})", ordinal, name, major, minor);
}

namespace {
/// The process-wide driver state. Allocated once and never freed: modules
/// unload from global destructors, which may run after ours.
struct DriverState {
  std::mutex mutex;
  bool attempted = false;
  /// Non-empty if loading or initialising failed.
  std::string error;
  Driver driver;
};
} // namespace

static DriverState &getState() {
  static DriverState *state = new DriverState();
  return *state;
}

/// The device ordinal: $ATTN_CUDA_DEVICE, else 0.
static Expected<int> getOrdinal() {
  const char *text = std::getenv("ATTN_CUDA_DEVICE");
  if (!text || !*text)
    return 0;
  char *end = nullptr;
  errno = 0;
  long value = std::strtol(text, &end, 10);
  if (*end || errno || value < 0 || value > INT_MAX)
    return Error{fmt::format(
        "ATTN_CUDA_DEVICE='{}' is not a device ordinal (0, 1, ...)", text)};
  return static_cast<int>(value);
}

/// Resolves every entry point; the error names the first one missing.
static Status resolve(void *library, Driver &driver) {
#define ATTN_CUDA_RESOLVE(name)                                                \
  driver.name =                                                                \
      reinterpret_cast<decltype(driver.name)>(dlsym(library, #name));          \
  if (!driver.name)                                                            \
    return Error{                                                              \
        fmt::format("{} has no symbol {}: the CUDA driver is too old "         \
                    "for this runtime",                                        \
                    kDriverLibrary, #name)};
  ATTN_CUDA_REQUIRED_FUNCTIONS(ATTN_CUDA_RESOLVE)
#undef ATTN_CUDA_RESOLVE
#define ATTN_CUDA_RESOLVE_OPTIONAL(name)                                       \
  driver.name = reinterpret_cast<decltype(driver.name)>(dlsym(library, #name));
  ATTN_CUDA_OPTIONAL_FUNCTIONS(ATTN_CUDA_RESOLVE_OPTIONAL)
#undef ATTN_CUDA_RESOLVE_OPTIONAL
  for (const char *name : {"cuEventElapsedTime_v2", "cuEventElapsedTime"}) {
    driver.eventElapsedTime =
        reinterpret_cast<decltype(driver.eventElapsedTime)>(
            dlsym(library, name));
    if (driver.eventElapsedTime)
      break;
  }
  if (!driver.eventElapsedTime)
    return Error{fmt::format("{} has no symbol cuEventElapsedTime: the CUDA "
                             "driver is too old for this runtime",
                             kDriverLibrary)};
  return Status::success();
}

/// Loads the library, initialises the driver and retains the device's
/// primary context.
static Status initializeDriver(Driver &driver) {
  // Never closed: compiled modules and buffers may outlive any owner.
  void *library = dlopen(kDriverLibrary, RTLD_NOW | RTLD_LOCAL);
  if (!library) {
    const char *message = dlerror();
    return Error{fmt::format("no CUDA driver: dlopen {} failed: {}",
                             kDriverLibrary,
                             message ? message : "unknown error")};
  }
  if (Status status = resolve(library, driver); !status)
    return status;

  if (CUresult result = driver.cuInit(0))
    return Error{driver.describe("cuInit", result)};
  Expected<int> ordinal = getOrdinal();
  if (!ordinal)
    return ordinal.takeError();
  driver.ordinal = *ordinal;
  int count = 0;
  if (CUresult result = driver.cuDeviceGetCount(&count))
    return Error{driver.describe("cuDeviceGetCount", result)};
  if (driver.ordinal >= count)
    return Error{fmt::format("no CUDA device {} (ATTN_CUDA_DEVICE): {} "
                             "device(s) present",
                             driver.ordinal, count)};
  if (CUresult result = driver.cuDeviceGet(&driver.device, driver.ordinal))
    return Error{driver.describe("cuDeviceGet", result)};

  char name[256] = {};
  if (CUresult result =
          driver.cuDeviceGetName(name, sizeof(name) - 1, driver.device))
    return Error{driver.describe("cuDeviceGetName", result)};
  driver.name = name;
  int pools = 0;
  struct {
    CUdevice_attribute attribute;
    int *value;
  } attributes[] = {
      {CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, &driver.major},
      {CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, &driver.minor},
      {CU_DEVICE_ATTRIBUTE_MEMORY_POOLS_SUPPORTED, &pools}};
  for (auto &[attribute, value] : attributes)
    if (CUresult result =
            driver.cuDeviceGetAttribute(value, attribute, driver.device))
      return Error{driver.describe("cuDeviceGetAttribute", result)};
  driver.memoryPools = pools && driver.cuMemAllocAsync && driver.cuMemFreeAsync;

  if (CUresult result =
          driver.cuDevicePrimaryCtxRetain(&driver.context, driver.device))
    return Error{driver.describe("cuDevicePrimaryCtxRetain", result)};
  return Status::success();
}

Expected<const Driver *> attn::runtime::cuda::detail::getDriver() {
  DriverState &state = getState();
  {
    std::lock_guard<std::mutex> lock(state.mutex);
    if (!state.attempted) {
      state.attempted = true;
      if (Status status = initializeDriver(state.driver); !status)
        state.error = status.getError();
    }
  }
  // Initialised once: the fields below are only read from here on.
  if (!state.error.empty())
    return Error{state.error};
  const Driver &driver = state.driver;
  CUcontext current = nullptr;
  if (CUresult result = driver.cuCtxGetCurrent(&current))
    return Error{driver.describe("cuCtxGetCurrent", result)};
  if (current != driver.context)
    if (CUresult result = driver.cuCtxSetCurrent(driver.context))
      return Error{driver.describe("cuCtxSetCurrent", result)};
  return &driver;
}
