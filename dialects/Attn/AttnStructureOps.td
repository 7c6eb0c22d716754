//===- AttnStructureOps.td - structural attention ops ------*- tablegen -*-===//
//
// High-level ops of shared/VARIANTS.md section D (structure). Each verifies
// its shapes and states its equal dimensions (DimRelationOpInterface, so the
// C ABI can name the sizes before decomposition), and `attn-decompose`
// rewrites it into `attn.attention` plus linalg/tensor/arith/math. The
// attention itself always stays in the core op, so it stays fused.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_STRUCTURE_OPS_TD
#define ATTN_STRUCTURE_OPS_TD

include "AttnBase.td"
include "AttnInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Attn_F32Tensor : RankedTensorOf<[F32]>;

class Attn_StructureOp<string mnemonic, list<Trait> traits = []>
    : Attn_Op<mnemonic, !listconcat(traits, [
        Pure, DeclareOpInterfaceMethods<Attn_DimRelationOpInterface>])> {
  let hasVerifier = 1;
}

def Attn_MultiHeadOp : Attn_StructureOp<"multi_head"> {
  let summary = "multi-head attention with input and output projections";
  let description = [{
    Multi-head (Vaswani et al.) attention on `[B, S, E]` activations:

    ```
    D      = E / num_heads,  Hkv = num_kv_heads (default num_heads)
    Q_h    = (xq  Wq)[:, h*D : h*D+D]                 h <  num_heads
    K_g    = (xkv Wk)[:, g*D : g*D+D],  V_g likewise   g <  Hkv
    O_h    = softmax((Q_h K_g^T) / sqrt(D)) V_g        g = h / (num_heads/Hkv)
    output = concat_h(gate_h * O_h) Wo                 gate_h = 1 without gates
    ```

    with `xq : [B, Sq, E]`, `xkv : [B, Skv, E]`, `Wq, Wo : [E, E]`,
    `Wk, Wv : [E, Hkv*D]` and `output : [B, Sq, E]`. There are no biases.
    `xq` and `xkv` may be the same value (self-attention) or not (cross
    attention). `causal` hides key `j` from query `i` unless
    `j <= i + (Skv - Sq)` (bottom-right aligned, as `attn.attention`).
    The optional `head_gates : [num_heads]` scale each head's output before
    the output projection (head pruning gates). `B`, `Sq` and `Skv` may be
    dynamic; `E` is static.

    `attn-decompose` rewrites it into three projections (each one
    `linalg.generic` that writes `[B, H, S, D]` directly, so the head split
    costs no copy), one `attn.attention` (fused), and one `linalg.generic`
    that merges the heads, applies the gates and multiplies by `Wo`.

    Example (causal self-attention, 8 heads of 8):

    ```mlir
    %y = attn.multi_head %x, %x, %wq, %wk, %wv, %wo {num_heads = 8 : i64, causal}
        : tensor<?x?x64xf32>, tensor<?x?x64xf32>, tensor<64x64xf32>,
          tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>
        -> tensor<?x?x64xf32>
    ```

    Gated heads with grouped-query attention (2 key/value heads):

    ```mlir
    %y = attn.multi_head %xq, %xkv, %wq, %wk, %wv, %wo
        head_gates(%g : tensor<8xf32>) {num_heads = 8 : i64, num_kv_heads = 2 : i64}
        : tensor<?x?x64xf32>, tensor<?x?x64xf32>, tensor<64x64xf32>,
          tensor<64x16xf32>, tensor<64x16xf32>, tensor<64x64xf32>
        -> tensor<?x?x64xf32>
    ```
  }];
  let arguments = (ins
    Attn_F32Tensor:$query_input,
    Attn_F32Tensor:$kv_input,
    Attn_F32Tensor:$wq,
    Attn_F32Tensor:$wk,
    Attn_F32Tensor:$wv,
    Attn_F32Tensor:$wo,
    Optional<Attn_F32Tensor>:$head_gates,
    I64Attr:$num_heads,
    OptionalAttr<I64Attr>:$num_kv_heads,
    UnitAttr:$causal
  );
  let results = (outs Attn_F32Tensor:$output);
  let assemblyFormat = [{
    $query_input `,` $kv_input `,` $wq `,` $wk `,` $wv `,` $wo
    (`head_gates` `(` $head_gates^ `:` type($head_gates) `)`)?
    attr-dict `:` type($query_input) `,` type($kv_input) `,` type($wq) `,`
    type($wk) `,` type($wv) `,` type($wo) `->` type($output)
  }];
  let extraClassDeclaration = [{
    /// num_kv_heads, or num_heads when it is absent.
    int64_t getKeyValueHeads();
    /// E / num_heads.
    int64_t getHeadDim();
  }];
}

def Attn_FeedForwardPoolOp : Attn_StructureOp<"feed_forward_pool"> {
  let summary = "feed-forward attention pooling over a sequence";
  let description = [{
    Attention pooling with a learned query (Raffel & Ellis; the word and
    sentence attention of hierarchical attention networks):

    ```
    e_j    = u . tanh(h_j W + b)        h_j : [E], W : [E, A], b, u : [A]
    alpha  = softmax_j(e)
    output = sum_j alpha_j h_j
    ```

    with `hidden : [..., S, E]` (at least one leading batch dimension),
    `weight` W, `bias` b, `context_vector` u and `output : [..., E]`: the sequence axis is the second to last and is
    reduced away. Leading dimensions and `S` may be dynamic; `E` is static.
    Two of these ops, the first on `[B, Ns, Nw, E]` and the second on its
    `[B, Ns, E]` result, form a hierarchical attention network.

    `attn-decompose` computes the scores `e` with two `linalg.generic`s
    (projection, then `tanh` and the dot with `u`) and lets one
    `attn.attention` with a single unit query (`D = 1`, `scale = 1.0`, key
    `j` = `e_j`) do the softmax and the weighted sum of the rows of `hidden`.

    Example:

    ```mlir
    %c = attn.feed_forward_pool %h, %w, %b, %u
        : tensor<?x?x64xf32>, tensor<64x32xf32>, tensor<32xf32>, tensor<32xf32>
        -> tensor<?x64xf32>
    ```
  }];
  let arguments = (ins
    Attn_F32Tensor:$hidden,
    Attn_F32Tensor:$weight,
    Attn_F32Tensor:$bias,
    Attn_F32Tensor:$context_vector
  );
  let results = (outs Attn_F32Tensor:$output);
  let assemblyFormat = [{
    $hidden `,` $weight `,` $bias `,` $context_vector attr-dict `:`
    type($hidden) `,` type($weight) `,` type($bias) `,` type($context_vector)
    `->` type($output)
  }];
}

def Attn_CoAttentionOp : Attn_StructureOp<"co_attention"> {
  let summary = "co-attention: one affinity, normalised along both axes";
  let description = [{
    Parallel co-attention of two sequences over one affinity matrix:

    ```
    L  = a b^T                              [B, Na, Nb]
    a' = softmax_over_Nb(L) b               [B, Na, D]
    b' = softmax_over_Na(L)^T a             [B, Nb, D]
    ```

    with `a : [B, Na, D]` and `b : [B, Nb, D]`. `B`, `Na` and `Nb` may be
    dynamic; `D` is static. The scores are not scaled.

    `attn-decompose` emits two `attn.attention` ops with `scale = 1.0`:
    `a' = attention(a, b, b)` and `b' = attention(b, a, a)` (since
    `L^T = b a^T`). Each is fused, so the affinity is computed twice,
    tile by tile, and never materialised.

    Example:

    ```mlir
    %a2, %b2 = attn.co_attention %a, %b
        : tensor<?x?x64xf32>, tensor<?x?x64xf32>
        -> tensor<?x?x64xf32>, tensor<?x?x64xf32>
    ```
  }];
  let arguments = (ins Attn_F32Tensor:$a, Attn_F32Tensor:$b);
  let results = (outs Attn_F32Tensor:$a_out, Attn_F32Tensor:$b_out);
  let assemblyFormat = [{
    $a `,` $b attr-dict `:` type($a) `,` type($b) `->` type($a_out) `,`
    type($b_out)
  }];
}

def Attn_AttentionOverAttentionOp
    : Attn_StructureOp<"attention_over_attention"> {
  let summary = "attention-over-attention document scores";
  let description = [{
    Attention over attention (Cui et al., 2017) for cloze-style reading:

    ```
    M        = d q^T                         [B, Nd, Nq]
    alpha    = softmax over Nd of M          (per column)
    beta     = softmax over Nq of M          (per row)
    beta_bar = mean over Nd of beta          [B, Nq]
    s        = alpha beta_bar                [B, Nd]
    ```

    with `document : [B, Nd, D]`, `query : [B, Nq, D]` and
    `scores : [B, Nd]`. `B`, `Nd` and `Nq` may be dynamic; `D` is static.

    `attn-decompose` never materialises `M`: it uses four fused
    `attn.attention` ops with `scale = 1.0` whose log-sum-exp (`lse`)
    results are the normalisers:

    ```
    r_i = lse_j(M_ij)                        (rows of beta)
    t_j = lse_i(M_ij - r_i) = log(Nd beta_bar_j)
    c_j = lse_i(M_ij)                        (columns of alpha)
    s_i = exp(lse_j(M_ij + t_j - c_j - log Nd))
    ```

    (the bias of each is a broadcast `[B, 1, 1, N]` key bias; the value
    operand is a zero `[B, 1, N, 1]` tensor whose output is unused).

    Example:

    ```mlir
    %s = attn.attention_over_attention %d, %q
        : tensor<?x?x64xf32>, tensor<?x?x64xf32> -> tensor<?x?xf32>
    ```
  }];
  let arguments = (ins Attn_F32Tensor:$document, Attn_F32Tensor:$query);
  let results = (outs Attn_F32Tensor:$scores);
  let assemblyFormat = [{
    $document `,` $query attr-dict `:` type($document) `,` type($query) `->`
    type($scores)
  }];
}

def Attn_MemoryNetworkOp : Attn_StructureOp<"memory_network"> {
  let summary = "end-to-end memory network: multi-hop attention over memory";
  let description = [{
    The multi-hop read of an end-to-end memory network (Sukhbaatar et al.,
    2015), with the same input and output memories at every hop:

    ```
    repeat hops times:
      p = softmax_n(u . m_n)
      u = u + sum_n p_n c_n
    output = u
    ```

    with `u : [B, D]`, `memory : [B, N, D]` (keys), `output_memory :
    [B, N, D]` (values) and `output : [B, D]`. `B` and `N` may be dynamic;
    `D` is static. The scores are not scaled.

    `attn-decompose` emits, per hop, one fused `attn.attention` (`u` as a
    single query, `scale = 1.0`) and one `linalg.generic` for the residual
    update.

    Example (3 hops):

    ```mlir
    %o = attn.memory_network %u, %m, %c {hops = 3 : i64}
        : tensor<?x64xf32>, tensor<?x?x64xf32>, tensor<?x?x64xf32>
        -> tensor<?x64xf32>
    ```
  }];
  let arguments = (ins
    Attn_F32Tensor:$query,
    Attn_F32Tensor:$memory,
    Attn_F32Tensor:$output_memory,
    I64Attr:$hops
  );
  let results = (outs Attn_F32Tensor:$output);
  let assemblyFormat = [{
    $query `,` $memory `,` $output_memory attr-dict `:` type($query) `,`
    type($memory) `,` type($output_memory) `->` type($output)
  }];
}

#endif // ATTN_STRUCTURE_OPS_TD
