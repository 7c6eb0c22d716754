//===- CudaStatus.h - The calling thread's status of CUDA calls -*- C++ -*-===//
//
// Internal to the runtime. The functions CUDA modules import (attnCuda*,
// mgpu*: attn/Runtime/CudaRuntime.h) never print, throw or abort: they record
// their failures in the calling thread's status, which attnCudaEndCall turns
// into the call's return value and attnCudaLastError reports.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_LIB_RUNTIME_CUDASTATUS_H
#define ATTN_LIB_RUNTIME_CUDASTATUS_H

#include "CudaDriver.h"

#include <new>
#include <string>

namespace attn {
namespace runtime {
namespace cuda {
namespace detail {

/// What a thread's calls into this runtime have seen. Trivially destructible
/// (no std::string) so that module destructors that run after the thread's
/// storage is torn down at exit can still use it.
struct ThreadStatus {
  /// Between attnCudaBeginCall and attnCudaEndCall.
  bool inCall = false;
  bool failed = false;
  CUstream stream = nullptr;
  /// The failure's message, truncated to fit.
  char message[4096] = {};
};

/// The calling thread's status.
ThreadStatus &getThreadStatus();

/// Records a failure: the first one of a call, or the last one outside.
void recordFailure(const std::string &message);

/// Runs `body` and records its exceptions (out of memory) as failures.
template <typename T, typename Body> T guard(T onError, Body body) {
  try {
    return body();
  } catch (const std::bad_alloc &) {
    recordFailure("out of host memory in the CUDA runtime");
  } catch (...) {
    recordFailure("unexpected exception in the CUDA runtime");
  }
  return onError;
}

/// The driver, or null with the failure recorded.
const Driver *acquireDriver();

} // namespace detail
} // namespace cuda
} // namespace runtime
} // namespace attn

#endif // ATTN_LIB_RUNTIME_CUDASTATUS_H
