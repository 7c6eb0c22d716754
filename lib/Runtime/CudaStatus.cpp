//===- CudaStatus.cpp - The calling thread's status of CUDA calls ---------===//

#include "CudaStatus.h"

#include <cstring>

using namespace attn::runtime;
using namespace attn::runtime::cuda::detail;

static thread_local ThreadStatus threadStatus;

ThreadStatus &attn::runtime::cuda::detail::getThreadStatus() {
  return threadStatus;
}

void attn::runtime::cuda::detail::recordFailure(const std::string &message) {
  ThreadStatus &status = threadStatus;
  if (status.inCall && status.failed)
    return;
  status.failed = true;
  size_t size = sizeof(status.message) - 1;
  if (message.size() <= size) {
    std::memcpy(status.message, message.data(), message.size());
    status.message[message.size()] = '\0';
    return;
  }
  static constexpr char kEllipsis[] = " [...]";
  size_t keep = size - (sizeof(kEllipsis) - 1);
  std::memcpy(status.message, message.data(), keep);
  std::memcpy(status.message + keep, kEllipsis, sizeof(kEllipsis));
}

const Driver *attn::runtime::cuda::detail::acquireDriver() {
  Expected<const Driver *> driver = getDriver();
  if (!driver) {
    recordFailure(driver.getError());
    return nullptr;
  }
  return *driver;
}
