//===- InitAll.h - register the dialects and passes of the tools -*- C++
//-*-===//
//
// Selective registration: the attn dialect plus the upstream dialects and
// passes that its pipelines use, nothing else.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_INITALL_H
#define ATTN_INITALL_H

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace attn {
/// Registers the attn dialect and the upstream dialects the pipelines use.
void registerAllDialects(mlir::DialectRegistry &registry);
/// Registers attn passes, attn pipelines and the upstream passes they use.
void registerAllPasses();
} // namespace attn

#endif // ATTN_INITALL_H
