//===- CapturedStderr.h - Collect what is written to stderr -----*- C++ -*-===//
//
// The compiler reports errors as MLIR diagnostics printed on stderr (the
// tools' contract). The Python package raises them as an exception instead,
// so it collects file descriptor 2 while the compiler runs.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_PYTHON_CAPTUREDSTDERR_H
#define ATTN_PYTHON_CAPTUREDSTDERR_H

#include <string>

namespace attn {
namespace python {

/// Redirects file descriptor 2 to a temporary file from construction until
/// `release()` (or destruction), which restores it. Everything any code of
/// the process writes there meanwhile is captured, so callers keep the
/// window to the compiler call.
class CapturedStderr {
public:
  CapturedStderr();
  ~CapturedStderr();
  CapturedStderr(const CapturedStderr &) = delete;
  CapturedStderr &operator=(const CapturedStderr &) = delete;

  /// Restores stderr and returns what was written since construction (empty
  /// when the redirection could not be set up: the text then went to the
  /// real stderr).
  std::string release();

private:
  int savedFd = -1;
  int captureFd = -1;
};

} // namespace python
} // namespace attn

#endif // ATTN_PYTHON_CAPTUREDSTDERR_H
