// key_padding: key-padding mask from per-batch key lengths (section C).
// Semantics: shared/VARIANTS.md, row `key_padding`.
//
// Math:
//   s_ij = (q_i . k_j) / sqrt(D)   (D = 64, so the scale is 0.125)
//   visible iff j < len[b]  (len[b] may be 0: that batch outputs zeros)
//   P_ij = softmax over the visible j of s_ij,  o_i = sum_j P_ij v_j;
//   a row with no visible key outputs zeros.
//
// Arguments of @main (B, Sq, Skv dynamic; heads and head dims static):
//   q   [B,4,Sq,64] f32
//   k   [B,4,Skv,64] f32
//   v   [B,4,Skv,64] f32
//   len [B] i32, number of valid keys per batch
// Result:
//   o   [B,4,Sq,64] f32
//
// Run (inputs in the argument order; q, k, v and o as float32 .npy):
//   attn-run examples/variants/key_padding.mlir \
//       --input=@q.npy --input=@k.npy --input=@v.npy --input=@len.npy \
//       --output=@o.npy
// Check against the float64 reference:
//   python3 test/Integration/lib/check_variant.py key_padding \
//       --B 2 --Sq 100 --Skv 129

func.func @main(%q: tensor<?x4x?x64xf32>,
                %k: tensor<?x4x?x64xf32>,
                %v: tensor<?x4x?x64xf32>,
                %len: tensor<?xi32>)
    -> tensor<?x4x?x64xf32> {
  %o = attn.attention %q, %k, %v key_lengths(%len : tensor<?xi32>)
      : tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>
      -> tensor<?x4x?x64xf32>
  return %o : tensor<?x4x?x64xf32>
}
