//===- FileOutput.h - Writing a file with every failure reported -*- C++
//-*-===//
//
// The runtime's binary outputs (.npy, .png) are written through stdio, and
// each failure, at open, while writing or at the final flush in fclose, is
// an error naming the file.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_RUNTIME_FILEOUTPUT_H
#define ATTN_RUNTIME_FILEOUTPUT_H

#include "attn/Runtime/Expected.h"

#include <cstdio>
#include <functional>
#include <string>

namespace attn {
namespace runtime {

/// Creates (or truncates) `path`, calls `write` on it and closes it.
/// `write` returns an empty string on success, else why it failed. Errors:
/// "cannot write 'PATH': REASON".
Status writeFileWith(const std::string &path,
                     const std::function<std::string(std::FILE *)> &write);

} // namespace runtime
} // namespace attn

#endif // ATTN_RUNTIME_FILEOUTPUT_H
