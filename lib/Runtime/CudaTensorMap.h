//===- CudaTensorMap.h - Tensor maps and the calls in flight ----*- C++ -*-===//
//
// Internal to the runtime. attnCudaTensorMap (CudaTensorMap.cpp) caches the
// tensor maps it puts in device memory. A map handed out during a call is
// used by that call's launches, so the cache is only emptied when a call
// starts and no other call is in flight: attnCudaBeginCall and
// attnCudaEndCall (CudaRuntime.cpp) report the calls through these hooks.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_LIB_RUNTIME_CUDATENSORMAP_H
#define ATTN_LIB_RUNTIME_CUDATENSORMAP_H

#include <cstddef>

namespace attn {
namespace runtime {
namespace cuda {
namespace detail {

/// The cache is emptied at the start of a call once it holds more maps.
constexpr size_t kMaxCachedTensorMaps = 256;

/// At the start of a call, with the thread's status cleared: counts the call
/// in flight (unless `alreadyCounted`: the thread's last call never ended),
/// then, if it is the only call in flight and the cache holds more than
/// kMaxCachedTensorMaps, waits for the device and frees every map. Failures
/// are recorded in the call's status.
void beginCallForTensorMaps(bool alreadyCounted);

/// At the end of a counted call.
void endCallForTensorMaps();

} // namespace detail
} // namespace cuda
} // namespace runtime
} // namespace attn

#endif // ATTN_LIB_RUNTIME_CUDATENSORMAP_H
