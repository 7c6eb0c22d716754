// multi_dimensional: multi-dimensional (feature-wise) attention (section A).
// Semantics: shared/VARIANTS.md, row `multi_dimensional`.
//
// Math:
//   e_ijf = tanh(q_i W1 + k_j W2 + b)_f     (scale 1.0)
//   P_ijf = softmax_j(e_ijf), separately for every value feature f
//   o_if  = sum_j P_ijf v_jf
//   attn-tile projects each query tile (q W1 + b) and each key tile (k W2)
//   once and keeps one softmax state per (row, feature).
//
// Arguments of @main (B, Sq, Skv dynamic; heads and head dims static):
//   q   [B,4,Sq,64] f32
//   k   [B,4,Skv,64] f32
//   v   [B,4,Skv,64] f32
//   W1  [64,64] f32 (D x Dv)
//   W2  [64,64] f32 (D x Dv)
//   b   [64] f32 (Dv)
// Result:
//   o   [B,4,Sq,64] f32
//
// Run (inputs in the argument order, all float32 .npy):
//   attn-run examples/variants/multi_dimensional.mlir \
//       --input=@q.npy --input=@k.npy --input=@v.npy --input=@W1.npy --input=@W2.npy --input=@b.npy \
//       --output=@o.npy
// Check against the float64 reference:
//   python3 test/Integration/lib/check_variant.py multi_dimensional \
//       --B 2 --Sq 100 --Skv 129

func.func @main(%q: tensor<?x4x?x64xf32>,
                %k: tensor<?x4x?x64xf32>,
                %v: tensor<?x4x?x64xf32>,
                %W1: tensor<64x64xf32>,
                %W2: tensor<64x64xf32>,
                %b: tensor<64xf32>)
    -> tensor<?x4x?x64xf32> {
  %o = attn.attention %q, %k, %v score_operands(%W1, %W2, %b
          : tensor<64x64xf32>, tensor<64x64xf32>, tensor<64xf32>)
      {score = #attn.score<multi_dimensional>, scale = 1.0 : f32}
      : tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>
      -> tensor<?x4x?x64xf32>
  return %o : tensor<?x4x?x64xf32>
}
