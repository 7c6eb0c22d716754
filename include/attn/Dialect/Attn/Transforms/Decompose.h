//===- Decompose.h - structural ops to attn.attention + linalg --*- C++ -*-===//
//
// The rewrite patterns of `attn-decompose`, for use in other pass pipelines:
// each rewrites one structural op (attn.multi_head, attn.feed_forward_pool,
// attn.co_attention, attn.attention_over_attention, attn.memory_network)
// into attn.attention plus linalg, tensor, arith and math.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_DIALECT_ATTN_TRANSFORMS_DECOMPOSE_H
#define ATTN_DIALECT_ATTN_TRANSFORMS_DECOMPOSE_H

namespace mlir {
class RewritePatternSet;
namespace attn {

/// Adds one pattern per structural op of the attn dialect.
void populateDecomposePatterns(RewritePatternSet &patterns);

/// Adds the patterns of the vision ops (non_local, channel_self,
/// spatial_transformer) only.
void populateDecomposeVisionPatterns(RewritePatternSet &patterns);

/// Adds the patterns of the gating vision ops (squeeze_excite, eca,
/// spatial_gate, cbam, selective_kernel) only.
void populateDecomposeGatePatterns(RewritePatternSet &patterns);

} // namespace attn
} // namespace mlir

#endif // ATTN_DIALECT_ATTN_TRANSFORMS_DECOMPOSE_H
