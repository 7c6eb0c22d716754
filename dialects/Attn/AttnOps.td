//===- AttnOps.td - attn dialect operations ----------------*- tablegen -*-===//

#ifndef ATTN_OPS_TD
#define ATTN_OPS_TD

include "AttnBase.td"
include "AttnEnums.td"
include "AttnInterfaces.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Attn_FloatTensor : RankedTensorOf<[F32, F16, BF16]>;
// Query, key and value may also be FP8 (E4M3, no infinities), dequantised
// by per-tensor scales.
def Attn_InputTensor : RankedTensorOf<[F32, F16, BF16, F8E4M3FN]>;

def Attn_AttentionOp : Attn_Op<"attention", [
    AttrSizedOperandSegments, IsolatedFromAbove, RecursiveMemoryEffects,
    DeclareOpInterfaceMethods<Attn_DimRelationOpInterface>]> {
  let summary = "fused attention: score, normalise, weighted sum";
  let description = [{
    Computes, for every batch `b`, query head `h`, query row `i`:

    ```
    o[b,h,i,:] = sum_j P[b,h,i,j] * v[b,h/g,j,:]       g = Hq / Hkv
    P[b,h,i,:] = normalizer_j(s[b,h,i,j] over the visible keys j)
    ```

    with `query : [B,Hq,Sq,D]`, `key : [B,Hkv,Skv,D]`, `value :
    [B,Hkv,Skv,Dv]` and `output : [B,Hq,Sq,Dv]`. `Hq` must be a multiple of
    `Hkv` (grouped-query and multi-query attention). `B`, `Sq` and `Skv` may be
    dynamic. Inputs are `f32`, `f16` or `bf16`; scores, running max and sum
    and the output accumulator are always `f32`; the output has the query's
    element type.

    FP8 inputs: `query`, `key` and `value` may all be `f8E4M3FN` (E4M3: 4
    exponent bits, 3 mantissa bits, no infinities, largest finite 448), with
    an output of `f32`, `f16` or `bf16`. The optional operand
    `scales(%s : tensor<3xf32>)` holds their per-tensor dequantisation
    scales `[sq, sk, sv]`: the attention is that of the real tensors
    `sq * query`, `sk * key` and `sv * value` (all scales 1 without it).
    Everything else (bias, weights, tables) keeps the output's element type
    or `f32`. The lowerings compute in the output's element type with `f32`
    accumulation.

    The score `s` is built in this order:
    1. the score function `score` (default `dot`) times `scale` (default
       `1/sqrt(D)`); `score_operands` carry its weights;
    2. `+ bias[b,h,i,j]` (broadcastable `[B|1, Hq|1, Sq|1, Skv|1]`);
    3. `- m_h * (i' - j)` when `alibi` is set, `m_h = 2^(-8(h+1)/Hq)`;
    4. `softcap * tanh(s / softcap)` when `softcap` is set;
    5. the `score_mod` region, if present.

    Positions are bottom-right aligned by default: `i' = i + (Skv - Sq)` is
    the query's position on the key axis; with `align = #attn.align<top_left>`
    it is `i' = i` (PyTorch's `is_causal`, ONNX `Attention` without a cache).
    A key `j` is visible when all of these hold:
    `causal`: `j <= i'`; `window = [l, r]`: `i' - l <= j <= i' + r`;
    `key_lengths`: `j < key_lengths[b]`; `mask`: `mask[b,h,i,j]`
    (broadcastable i1); the `mask_mod` region yields true;
    `grid_window` (below) admits the key. Named masks (`causal`, `window`,
    `key_lengths`, `grid_window`) are analysed by the lowering: key tiles
    with no visible key are skipped and fully visible tiles carry no mask
    arithmetic. Under `softmax`, a row with no visible key yields zeros.

    Two-dimensional windows (stand-alone self-attention, DilateFormer's
    dilated attention): with `grid_window = [ry, rx]` and the operand
    `grid_width(%w : index)`, positions are row-major cells of a map `W =
    %w` wide: query position `i'` is the cell `(i' / W, i' mod W)` and key
    `j` the cell `(j / W, j mod W)`. With `(dy, dx)` the key's cell minus
    the query's and `r = grid_dilation[h]` (one entry for every head, or
    one per query head; default 1), the key is visible when `dy = r a` and
    `dx = r c` for integers `|a| <= ry`, `|c| <= rx`: the (2 ry + 1) x (2 rx
    + 1) dilated neighbours inside the map. A width below 1 is taken as 1.
    With two position operands `rows : [Hq, 2 ry + 1, D]` and `cols : [Hq, 2
    rx + 1, D]`, the score also takes the 2-D relative term:
    `s = scale * q . (k + rows[h, a + ry] + cols[h, c + rx])`, computed per
    score, never as a `[Sq, Skv]` tensor.

    Regions see global indices (never tile-local ones):
    - `score_mod(%s: f32, %b: index, %h: index, %i: index, %j: index)`
      yields the modified `f32` score;
    - `mask_mod(%b: index, %h: index, %i: index, %j: index)` yields `i1`
      (true = visible).
    In both, `%i` is the aligned query position `i'`. A `mask_mod` that is
    exactly `j <= i` canonicalises to `causal`, so tile skipping applies.

    Paged key/value cache: with `block_table : [B, P] i32`, `key` and
    `value` are page pools `[num_pages, Hkv, page_size, D]` and
    `[num_pages, Hkv, page_size, Dv]` (the layout of vLLM's and
    FlashInfer's HND caches: one page of one head is a contiguous
    `[page_size, D]` block, like a slice of a dense `[B, Hkv, Skv, D]`
    key). The logical key length is `Skv = P * page_size`, and logical key
    `j` of batch `b` is row `j mod page_size` of page
    `block_table[b, j / page_size]`. Everything above (positions, masks,
    `key_lengths`, which says how many keys of the pages a sequence really
    has) is in logical key indices. A `mask` or `bias` that varies along
    the keys needs static `P`, `page_size` and key dimension with the key
    dimension equal to `P * page_size`. Page indices must lie in
    `[0, num_pages)` for every page a visible key lies in: like an index
    out of bounds, anything else is undefined behaviour at run time (pages
    past `key_lengths[b]` are never read, so their entries may hold
    anything).

    ```mlir
    %o = attn.attention %q, %kp, %vp
        key_lengths(%len : tensor<?xi32>)
        block_table(%bt : tensor<?x?xi32>)
        : tensor<?x32x1x128xf16>, tensor<?x8x16x128xf16>,
          tensor<?x8x16x128xf16> -> tensor<?x32x1x128xf16>
    ```

    The optional `lse` result is the natural-log log-sum-exp of the visible
    scores of each row, `[B,Hq,Sq]` in `f32` (`-inf` for a fully masked row).

    Example (causal, scaled dot product, dynamic sizes):

    ```mlir
    %o = attn.attention %q, %k, %v {causal}
        : tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32>
        -> tensor<?x8x?x64xf32>
    ```

    A FlexAttention-style score modification and mask:

    ```mlir
    %o = attn.attention %q, %k, %v
        : tensor<1x4x128x64xf32>, tensor<1x4x128x64xf32>,
          tensor<1x4x128x64xf32> -> tensor<1x4x128x64xf32>
        score_mod {
        ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
          %c = arith.constant 2.0 : f32
          %t = arith.mulf %s, %c : f32
          attn.yield %t : f32
        }
        mask_mod {
        ^bb0(%b: index, %h: index, %i: index, %j: index):
          %ok = arith.cmpi sle, %j, %i : index
          attn.yield %ok : i1
        }
    ```
  }];

  let arguments = (ins
    Attn_InputTensor:$query,
    Attn_InputTensor:$key,
    Attn_InputTensor:$value,
    Optional<RankedTensorOf<[I1]>>:$mask,
    Optional<Attn_FloatTensor>:$bias,
    Optional<RankedTensorOf<[I32]>>:$key_lengths,
    Optional<RankedTensorOf<[I32]>>:$block_table,
    Optional<Index>:$grid_width,
    Optional<RankedTensorOf<[F32]>>:$scales,
    Variadic<Attn_FloatTensor>:$score_operands,
    Variadic<Attn_FloatTensor>:$normalizer_operands,
    Variadic<Attn_FloatTensor>:$position_operands,
    DefaultValuedAttr<Attn_ScoreKindAttr, "ScoreKind::dot">:$score,
    DefaultValuedAttr<Attn_NormalizerAttr, "Normalizer::softmax">:$normalizer,
    OptionalAttr<F32Attr>:$scale,
    UnitAttr:$causal,
    OptionalAttr<DenseI64ArrayAttr>:$window,
    DefaultValuedAttr<Attn_AlignmentAttr, "Alignment::bottom_right">:$align,
    UnitAttr:$alibi,
    OptionalAttr<F32Attr>:$softcap,
    OptionalAttr<I64Attr>:$top_k,
    OptionalAttr<I64Attr>:$relative_clip,
    OptionalAttr<I64Attr>:$gaussian_window,
    OptionalAttr<F32Attr>:$gaussian_sigma,
    OptionalAttr<DenseI64ArrayAttr>:$grid_window,
    OptionalAttr<DenseI64ArrayAttr>:$grid_dilation
  );
  let results = (outs Attn_FloatTensor:$output,
                      Optional<RankedTensorOf<[F32]>>:$lse);
  let regions = (region AnyRegion:$score_mod, AnyRegion:$mask_mod);

  let assemblyFormat = [{
    $query `,` $key `,` $value
    (`mask` `(` $mask^ `:` type($mask) `)`)?
    (`bias` `(` $bias^ `:` type($bias) `)`)?
    (`key_lengths` `(` $key_lengths^ `:` type($key_lengths) `)`)?
    (`block_table` `(` $block_table^ `:` type($block_table) `)`)?
    (`grid_width` `(` $grid_width^ `)`)?
    (`scales` `(` $scales^ `:` type($scales) `)`)?
    (`score_operands` `(` $score_operands^ `:` type($score_operands) `)`)?
    (`normalizer_operands` `(` $normalizer_operands^ `:`
        type($normalizer_operands) `)`)?
    (`position_operands` `(` $position_operands^ `:`
        type($position_operands) `)`)?
    attr-dict `:` type($query) `,` type($key) `,` type($value)
    `->` type($output) (`,` type($lse)^)?
    (`score_mod` $score_mod^)?
    (`mask_mod` $mask_mod^)?
  }];

  let builders = [
    OpBuilder<(ins "::mlir::Value":$query, "::mlir::Value":$key,
                   "::mlir::Value":$value, "::mlir::Type":$outputType)>
  ];

  let extraClassDeclaration = [{
    /// Scale applied to the score function: the `scale` attribute, or
    /// 1/sqrt(D) when it is absent.
    float getEffectiveScale();
    /// Left and right extents of the sliding window; -1 means unbounded.
    std::pair<int64_t, int64_t> getWindowBounds();
    /// True when some key may be hidden by a mask that is not analysable
    /// per tile (boolean mask tensor or mask_mod region).
    bool hasUnanalysableMask() { return getMask() || !getMaskMod().empty(); }
    /// True when a named mask (causal, window, key lengths) is present.
    bool hasAnalysableMask() {
      return getCausal() || getWindow() || getKeyLengths() || getGridWindow();
    }
    /// True when query, key and value are FP8 (f8E4M3FN), dequantised by
    /// `scales`.
    bool isFp8() {
      return ::llvm::isa<::mlir::Float8E4M3FNType>(
          getQuery().getType().getElementType());
    }
    /// The element type the attention computes in: the output's (the
    /// inputs' too, unless they are FP8).
    ::mlir::Type getComputeElementType() {
      return getOutput().getType().getElementType();
    }
    /// True when key and value are page pools read through block_table.
    bool isPaged() { return static_cast<bool>(getBlockTable()); }
    /// The dilation of query head `h` under `grid_window` (1 by default).
    int64_t getGridDilationOf(int64_t h);
    int64_t getQueryHeads();
    int64_t getKeyValueHeads();
    /// Builds `i' - i`, the offset of the aligned query position (index):
    /// `keyLen - queryLen` bottom-right, 0 top-left. Every lowering takes
    /// its positions from here.
    ::mlir::Value buildAlignOffset(::mlir::OpBuilder &b, ::mlir::Location loc,
                                   ::mlir::Value queryLen,
                                   ::mlir::Value keyLen);
  }];

  let hasVerifier = 1;
  let hasRegionVerifier = 1;
  let hasCanonicalizer = 1;
}

def Attn_YieldOp : Attn_Op<"yield", [
    Pure, ReturnLike, Terminator, HasParent<"AttentionOp">]> {
  let summary = "yields a value from an attention region";
  let description = [{
    Terminates the `score_mod` (yields an `f32` score) and `mask_mod` (yields
    an `i1` visibility) regions of `attn.attention`.
  }];
  let arguments = (ins AnyType:$value);
  let assemblyFormat = "$value attr-dict `:` type($value)";
}

include "AttnStructureOps.td"
include "AttnGateOps.td"
include "AttnVisionOps.td"

#endif // ATTN_OPS_TD
