// gated_heads: multi-head attention with per-head gates (section D).
// Semantics: shared/VARIANTS.md, row `gated_heads`.
//
// Math (E = 64, 8 heads of D = 8): multi_head(xq, xkv, Wq, Wk, Wv, Wo) with
// head h's output scaled by g_h before the output projection:
//   O_h = softmax_j((Q_h K_h^T) / sqrt(D)) V_h
//   y   = concat_h(g_h O_h) Wo
// The gates are the optional head_gates operand of attn.multi_head; the
// decomposition applies them inside the output projection (no extra pass).
//
// Arguments of @main (B, Sq, Skv dynamic; E static):
//   xq  [B,Sq,64] f32
//   xkv [B,Skv,64] f32
//   Wq, Wk, Wv, Wo [64,64] f32
//   g   [8] f32
// Result:
//   y   [B,Sq,64] f32
//
// Run (inputs in the argument order, float32 .npy):
//   attn-run examples/variants/gated_heads.mlir \
//       --input=@xq.npy --input=@xkv.npy --input=@wq.npy --input=@wk.npy \
//       --input=@wv.npy --input=@wo.npy --input=@g.npy --output=@y.npy
// Check against the float64 reference:
//   python3 test/Integration/lib/check_variant.py gated_heads \
//       --B 2 --Sq 33 --Skv 65

func.func @main(%xq: tensor<?x?x64xf32>, %xkv: tensor<?x?x64xf32>,
                %wq: tensor<64x64xf32>, %wk: tensor<64x64xf32>,
                %wv: tensor<64x64xf32>, %wo: tensor<64x64xf32>,
                %g: tensor<8xf32>)
    -> tensor<?x?x64xf32> {
  %y = attn.multi_head %xq, %xkv, %wq, %wk, %wv, %wo
      head_gates(%g : tensor<8xf32>) {num_heads = 8 : i64}
      : tensor<?x?x64xf32>, tensor<?x?x64xf32>, tensor<64x64xf32>,
        tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>
      -> tensor<?x?x64xf32>
  return %y : tensor<?x?x64xf32>
}
