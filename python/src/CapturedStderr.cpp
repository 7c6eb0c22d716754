//===- CapturedStderr.cpp - Collect what is written to stderr -------------===//

#include "CapturedStderr.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdio>
#include <unistd.h>

namespace attn {
namespace python {

CapturedStderr::CapturedStderr() {
  llvm::SmallString<128> path;
  if (llvm::sys::fs::createTemporaryFile("attn-stderr", "txt", captureFd,
                                         path)) {
    captureFd = -1;
    return;
  }
  // The file needs no name: it lives until its descriptor is closed.
  llvm::sys::fs::remove(path);
  std::fflush(stderr);
  llvm::errs().flush();
  savedFd = dup(STDERR_FILENO);
  if (savedFd < 0 || dup2(captureFd, STDERR_FILENO) < 0) {
    if (savedFd >= 0)
      close(savedFd);
    close(captureFd);
    savedFd = captureFd = -1;
  }
}

CapturedStderr::~CapturedStderr() { release(); }

std::string CapturedStderr::release() {
  if (savedFd < 0)
    return {};
  std::fflush(stderr);
  llvm::errs().flush();
  dup2(savedFd, STDERR_FILENO);
  close(savedFd);
  savedFd = -1;

  std::string text;
  char chunk[4096];
  ssize_t n;
  lseek(captureFd, 0, SEEK_SET);
  while ((n = read(captureFd, chunk, sizeof(chunk))) > 0)
    text.append(chunk, static_cast<size_t>(n));
  close(captureFd);
  captureFd = -1;
  return text;
}

} // namespace python
} // namespace attn
