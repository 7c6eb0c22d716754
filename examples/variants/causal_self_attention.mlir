// causal_self_attention: causal multi-head self-attention (section D).
// Semantics: shared/VARIANTS.md, row `causal_self_attention`.
//
// Math: multi_head(x, x, Wq, Wk, Wv, Wo) with the causal mask (E = 64,
// 8 heads of D = 8):
//   Q = x Wq, K = x Wk, V = x Wv; per head h (columns h*D ... h*D+D-1):
//   O_h = softmax over the visible j (j <= i) of (Q_h K_h^T) / sqrt(D), times V_h
//   y   = concat_h(O_h) Wo
// There is no separate op: attn.multi_head takes x as both its query and
// its key/value input and carries the `causal` attribute.
//
// Arguments of @main (B, S dynamic; E static):
//   x   [B,S,64] f32
//   Wq, Wk, Wv, Wo [64,64] f32
// Result:
//   y   [B,S,64] f32
//
// Run (inputs in the argument order, float32 .npy):
//   attn-run examples/variants/causal_self_attention.mlir \
//       --input=@x.npy --input=@wq.npy --input=@wk.npy --input=@wv.npy \
//       --input=@wo.npy --output=@y.npy
// Check against the float64 reference:
//   python3 test/Integration/lib/check_variant.py causal_self_attention \
//       --B 2 --Sq 65

func.func @main(%x: tensor<?x?x64xf32>,
                %wq: tensor<64x64xf32>, %wk: tensor<64x64xf32>,
                %wv: tensor<64x64xf32>, %wo: tensor<64x64xf32>)
    -> tensor<?x?x64xf32> {
  %y = attn.multi_head %x, %x, %wq, %wk, %wv, %wo
      {num_heads = 8 : i64, causal}
      : tensor<?x?x64xf32>, tensor<?x?x64xf32>, tensor<64x64xf32>,
        tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>
      -> tensor<?x?x64xf32>
  return %y : tensor<?x?x64xf32>
}
