// multi_head: multi-head attention with projections (section D).
// Semantics: shared/VARIANTS.md, row `multi_head`.
//
// Math (E = 64, 8 heads, D = E/8 = 8; no biases):
//   Q = xq Wq, K = xkv Wk, V = xkv Wv                   [B,S,E]
//   head h uses feature columns h*D ... h*D+D-1 of Q, K and V:
//   O_h = softmax_j((Q_h K_h^T) / sqrt(D)) V_h          [B,Sq,D]
//   y   = concat_h(O_h) Wo                              [B,Sq,E]
//   Cross attention when xq != xkv (Sq and Skv independent).
//
// Arguments of @main (B, Sq, Skv dynamic; E static):
//   xq  [B,Sq,64] f32
//   xkv [B,Skv,64] f32
//   Wq, Wk, Wv, Wo [64,64] f32
// Result:
//   y   [B,Sq,64] f32
//
// attn-decompose turns attn.multi_head into three projections (linalg.generic
// writing [B,8,S,8]), one fused attn.attention and one output projection
// that merges the heads (docs/variants/structure.md).
//
// Run (inputs in the argument order, float32 .npy):
//   attn-run examples/variants/multi_head.mlir \
//       --input=@xq.npy --input=@xkv.npy --input=@wq.npy --input=@wk.npy \
//       --input=@wv.npy --input=@wo.npy --output=@y.npy
// Check against the float64 reference:
//   python3 test/Integration/lib/check_variant.py multi_head \
//       --B 2 --Sq 33 --Skv 65

func.func @main(%xq: tensor<?x?x64xf32>, %xkv: tensor<?x?x64xf32>,
                %wq: tensor<64x64xf32>, %wk: tensor<64x64xf32>,
                %wv: tensor<64x64xf32>, %wo: tensor<64x64xf32>)
    -> tensor<?x?x64xf32> {
  %y = attn.multi_head %xq, %xkv, %wq, %wk, %wv, %wo {num_heads = 8 : i64}
      : tensor<?x?x64xf32>, tensor<?x?x64xf32>, tensor<64x64xf32>,
        tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>
      -> tensor<?x?x64xf32>
  return %y : tensor<?x?x64xf32>
}
