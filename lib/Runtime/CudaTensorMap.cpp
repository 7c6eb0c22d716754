//===- CudaTensorMap.cpp - TMA tensor maps in device memory ---------------===//
//
// attnCudaTensorMap (attn/Runtime/CudaRuntime.h). The TMA copies of sm_90a
// kernels (cp.async.bulk.tensor) read a CUtensorMap that the host encodes;
// compiled kernels take its device address as a plain global pointer. The
// 128 encoded bytes key a process-wide cache of device copies, so that the
// calls of a model with fixed shapes, after the first, encode on the host
// but allocate and copy nothing.
//
//===----------------------------------------------------------------------===//

#include "attn/Runtime/CudaRuntime.h"

#include "CudaStatus.h"
#include "CudaTensorMap.h"

#include <fmt/format.h>

#include <array>
#include <atomic>
#include <cstring>
#include <map>
#include <mutex>

using namespace attn::runtime;
using namespace attn::runtime::cuda::detail;

namespace {

// The limits of cuTensorMapEncodeTiled for the maps made here.
constexpr int64_t kMaxDimSize = int64_t(1) << 32;
constexpr int64_t kStrideLimitBytes = int64_t(1) << 40;
constexpr int64_t kAlignmentBytes = 16;
constexpr int64_t kMaxBoxSize = 256;
/// CU_TENSOR_MAP_SWIZZLE_128B: a box row must fit the swizzle's span.
constexpr int64_t kSwizzleBytes = 128;

/// What attnCudaTensorMap is asked for; dims and strides outermost first,
/// strides in elements.
struct TensorMapRequest {
  uint64_t address;
  int64_t elementBytes;
  std::array<int64_t, 4> dims;
  std::array<int64_t, 3> strides;
  int64_t boxRows, boxCols;
};

/// How messages name strides[i].
const char *getStrideName(size_t i) {
  static constexpr const char *kNames[] = {"dim 0 stride", "dim 1 stride",
                                           "row stride"};
  return kNames[i];
}

/// What does not depend on the tensor's data: the element size, the box and
/// the range of the sizes.
Status checkShape(const TensorMapRequest &r) {
  if (r.elementBytes != 1 && r.elementBytes != 2 && r.elementBytes != 4)
    return Error{
        fmt::format("tensor map: element size of {} bytes is not 1, 2 or 4",
                    r.elementBytes)};
  if (r.boxRows < 1 || r.boxRows > kMaxBoxSize)
    return Error{fmt::format("tensor map: box of {} rows is not in [1, {}]",
                             r.boxRows, kMaxBoxSize)};
  if (r.boxCols < 1 || r.boxCols > kMaxBoxSize)
    return Error{fmt::format("tensor map: box of {} columns is not in [1, {}]",
                             r.boxCols, kMaxBoxSize)};
  int64_t boxRowBytes = r.boxCols * r.elementBytes;
  if (boxRowBytes > kSwizzleBytes)
    return Error{fmt::format("tensor map: box rows of {} bytes ({} columns of "
                             "{} bytes) exceed the {}-byte swizzle span",
                             boxRowBytes, r.boxCols, r.elementBytes,
                             kSwizzleBytes)};
  if (boxRowBytes % kAlignmentBytes)
    return Error{fmt::format("tensor map: box rows of {} bytes ({} columns of "
                             "{} bytes) are not a multiple of {}",
                             boxRowBytes, r.boxCols, r.elementBytes,
                             kAlignmentBytes)};
  for (size_t i = 0; i < r.dims.size(); ++i) {
    if (r.dims[i] < 0)
      return Error{fmt::format("tensor map: size {} of dim {} is negative",
                               r.dims[i], i)};
    if (r.dims[i] > kMaxDimSize)
      return Error{fmt::format("tensor map: size {} of dim {} is over 2^32",
                               r.dims[i], i)};
  }
  return Status::success();
}

/// Where a non-empty tensor lies: its address and strides.
Status checkLayout(const TensorMapRequest &r) {
  if (!r.address)
    return Error{"tensor map: null base address"};
  if (r.address % kAlignmentBytes)
    return Error{fmt::format("tensor map: base address {:#x} is not {}-byte "
                             "aligned",
                             r.address, kAlignmentBytes)};
  for (size_t i = 0; i < r.strides.size(); ++i) {
    int64_t stride = r.strides[i];
    if (stride < 0)
      return Error{fmt::format("tensor map: {} of {} elements is negative",
                               getStrideName(i), stride)};
    // Compared before multiplying, which could overflow.
    if (stride > (kStrideLimitBytes - 1) / r.elementBytes)
      return Error{fmt::format("tensor map: {} of {} elements of {} bytes is "
                               "not below 2^40 bytes",
                               getStrideName(i), stride, r.elementBytes)};
    if (int64_t bytes = stride * r.elementBytes; bytes % kAlignmentBytes)
      return Error{fmt::format("tensor map: {} of {} bytes is not a multiple "
                               "of {}",
                               getStrideName(i), bytes, kAlignmentBytes)};
  }
  return Status::success();
}

bool isEmpty(const TensorMapRequest &r) {
  for (int64_t dim : r.dims)
    if (dim == 0)
      return true;
  return false;
}

std::string describe(const TensorMapRequest &r) {
  return fmt::format("tensor map of {}x{}x{}x{} {}-byte elements at {:#x} "
                     "(strides of {}, {} and {} bytes; box {}x{})",
                     r.dims[0], r.dims[1], r.dims[2], r.dims[3], r.elementBytes,
                     r.address, r.strides[0] * r.elementBytes,
                     r.strides[1] * r.elementBytes,
                     r.strides[2] * r.elementBytes, r.boxRows, r.boxCols);
}

/// Encodes a checked request on the host. The copies move bits, so the
/// unsigned type of the element's size serves every element type (FP8
/// f8e4m3fn is UINT8); and the out-of-bounds fill of
/// CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE, zero bits, is +0.0 in every float
/// type.
Expected<CUtensorMap> encode(const Driver &driver, const TensorMapRequest &r) {
  if (!driver.cuTensorMapEncodeTiled)
    return Error{"tensor map: the CUDA driver has no cuTensorMapEncodeTiled "
                 "(TMA needs driver 12.0 or newer)"};
  CUtensorMapDataType type = r.elementBytes == 1 ? CU_TENSOR_MAP_DATA_TYPE_UINT8
                             : r.elementBytes == 2
                                 ? CU_TENSOR_MAP_DATA_TYPE_UINT16
                                 : CU_TENSOR_MAP_DATA_TYPE_UINT32;
  // The driver takes dims innermost first, and the strides of all but the
  // innermost (contiguous) dim in bytes.
  cuuint64_t dims[4] = {
      static_cast<cuuint64_t>(r.dims[3]), static_cast<cuuint64_t>(r.dims[2]),
      static_cast<cuuint64_t>(r.dims[1]), static_cast<cuuint64_t>(r.dims[0])};
  cuuint64_t strides[3] = {
      static_cast<cuuint64_t>(r.strides[2] * r.elementBytes),
      static_cast<cuuint64_t>(r.strides[1] * r.elementBytes),
      static_cast<cuuint64_t>(r.strides[0] * r.elementBytes)};
  cuuint32_t box[4] = {static_cast<cuuint32_t>(r.boxCols),
                       static_cast<cuuint32_t>(r.boxRows), 1, 1};
  cuuint32_t elementStrides[4] = {1, 1, 1, 1};
  // Zeroed, so that any bytes the driver leaves alone compare equal in the
  // cache.
  CUtensorMap map;
  std::memset(&map, 0, sizeof(map));
  if (CUresult result = driver.cuTensorMapEncodeTiled(
          &map, type, 4, reinterpret_cast<void *>(r.address), dims, strides,
          box, elementStrides, CU_TENSOR_MAP_INTERLEAVE_NONE,
          CU_TENSOR_MAP_SWIZZLE_128B, CU_TENSOR_MAP_L2_PROMOTION_L2_128B,
          CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE))
    return Error{
        fmt::format("{}: {}", describe(r),
                    driver.describe("cuTensorMapEncodeTiled", result))};
  return map;
}

using EncodedTensorMap = std::array<cuuint64_t, CU_TENSOR_MAP_NUM_QWORDS>;

/// The device copies of the maps handed out, by their encoding. Allocated
/// once and never freed, as the driver state.
struct TensorMapCache {
  std::mutex mutex;
  std::map<EncodedTensorMap, CUdeviceptr> copies;
  /// The size of `copies`, read without the lock by every call's start: the
  /// lock may be held across a copy that waits for the device.
  std::atomic<size_t> size{0};
};

TensorMapCache &getCache() {
  static TensorMapCache *cache = new TensorMapCache();
  return *cache;
}

/// The calls between attnCudaBeginCall and attnCudaEndCall, on all threads.
std::atomic<int64_t> callsInFlight{0};

/// The device copy of `map`, or 0 with the failure recorded.
CUdeviceptr getDeviceCopy(const Driver &driver, const CUtensorMap &map) {
  EncodedTensorMap key;
  static_assert(sizeof(key) == sizeof(map.opaque));
  std::memcpy(key.data(), map.opaque, sizeof(key));
  TensorMapCache &cache = getCache();
  std::lock_guard<std::mutex> lock(cache.mutex);
  // Inserted before allocating, so that running out of host memory leaks
  // no device memory.
  auto [entry, inserted] = cache.copies.try_emplace(key, 0);
  if (!inserted)
    return entry->second;
  CUdeviceptr copy = 0;
  if (CUresult result = driver.cuMemAlloc_v2(&copy, sizeof(CUtensorMap))) {
    cache.copies.erase(entry);
    recordFailure(fmt::format("tensor map: allocating {} bytes: {}",
                              sizeof(CUtensorMap),
                              driver.describe("cuMemAlloc", result)));
    return 0;
  }
  // cuMemcpyHtoD from pageable memory may return before the data lands, and
  // orders it only on the legacy default stream; the launches that read
  // the map may be on a non-blocking stream, of any thread once cached.
  const char *call = "cuMemcpyHtoD";
  CUresult result = driver.cuMemcpyHtoD_v2(copy, &map, sizeof(map));
  if (result == CUDA_SUCCESS) {
    call = "cuStreamSynchronize";
    result = driver.cuStreamSynchronize(nullptr);
  }
  if (result) {
    driver.cuMemFree_v2(copy);
    cache.copies.erase(entry);
    recordFailure(fmt::format("tensor map: copying it to the device: {}",
                              driver.describe(call, result)));
    return 0;
  }
  entry->second = copy;
  cache.size = cache.copies.size();
  return copy;
}

} // namespace

void attn::runtime::cuda::detail::beginCallForTensorMaps(bool alreadyCounted) {
  if (!alreadyCounted)
    ++callsInFlight;
  guard<int>(0, [] {
    TensorMapCache &cache = getCache();
    if (cache.size <= kMaxCachedTensorMaps)
      return 0;
    std::lock_guard<std::mutex> lock(cache.mutex);
    // Another call in flight may still launch kernels with its maps; this
    // call has none yet, and no other call gets one while the lock is held.
    if (cache.copies.size() <= kMaxCachedTensorMaps || callsInFlight != 1)
      return 0;
    const Driver *driver = acquireDriver();
    if (!driver)
      return 0;
    // Kernels launched by earlier calls may still read their maps.
    if (CUresult result = driver->cuCtxSynchronize()) {
      recordFailure(fmt::format("emptying the cache of {} tensor maps: {}",
                                cache.copies.size(),
                                driver->describe("cuCtxSynchronize", result)));
      return 0;
    }
    for (const auto &[key, copy] : cache.copies)
      if (CUresult result = driver->cuMemFree_v2(copy))
        recordFailure(fmt::format("emptying the cache of {} tensor maps: {}",
                                  cache.copies.size(),
                                  driver->describe("cuMemFree", result)));
    cache.copies.clear();
    cache.size = 0;
    return 0;
  });
}

void attn::runtime::cuda::detail::endCallForTensorMaps() { --callsInFlight; }

extern "C" uint64_t attnCudaTensorMap(uint64_t address, int64_t elementBytes,
                                      int64_t dim0, int64_t dim1, int64_t dim2,
                                      int64_t dim3, int64_t stride0,
                                      int64_t stride1, int64_t stride2,
                                      int64_t boxRows, int64_t boxCols) {
  return guard<uint64_t>(0, [&]() -> uint64_t {
    TensorMapRequest request{address,
                             elementBytes,
                             {dim0, dim1, dim2, dim3},
                             {stride0, stride1, stride2},
                             boxRows,
                             boxCols};
    if (Status status = checkShape(request); !status) {
      recordFailure(status.getError());
      return 0;
    }
    // Empty tensors come with empty grids, whose launches do nothing; their
    // address and strides may be anything.
    if (isEmpty(request))
      return 0;
    if (Status status = checkLayout(request); !status) {
      recordFailure(status.getError());
      return 0;
    }
    const Driver *driver = acquireDriver();
    if (!driver)
      return 0;
    Expected<CUtensorMap> map = encode(*driver, request);
    if (!map) {
      recordFailure(map.getError());
      return 0;
    }
    return getDeviceCopy(*driver, *map);
  });
}
