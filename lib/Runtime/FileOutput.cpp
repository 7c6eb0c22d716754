//===- FileOutput.cpp - Writing a file with every failure reported --------===//

#include "FileOutput.h"

#include <cerrno>
#include <cstring>

using namespace attn::runtime;

Status attn::runtime::writeFileWith(
    const std::string &path,
    const std::function<std::string(std::FILE *)> &write) {
  std::FILE *file = std::fopen(path.c_str(), "wb");
  if (!file)
    return makeError("cannot write '", path, "': ", std::strerror(errno));
  std::string reason = write(file);
  // Buffered bytes reach the disk only at fclose, which can still fail.
  if (std::fclose(file) != 0 && reason.empty())
    reason = std::strerror(errno);
  if (!reason.empty())
    return makeError("cannot write '", path, "': ", reason);
  return Status::success();
}
