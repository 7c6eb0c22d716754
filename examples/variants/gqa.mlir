// gqa: grouped-query attention, 8 query heads, 2 kv heads (section C).
// Semantics: shared/VARIANTS.md, row `gqa`.
//
// Math:
//   s_ij = (q_i . k_j) / sqrt(D)   (D = 64, so the scale is 0.125)
//   P_ij = softmax_j(s_ij),  o_i = sum_j P_ij v_j
//   query head h reads key/value head h / (Hq/Hkv) = h / 4
//
// Arguments of @main (B, Sq, Skv dynamic; heads and head dims static):
//   q   [B,8,Sq,64] f32
//   k   [B,2,Skv,64] f32
//   v   [B,2,Skv,64] f32
// Result:
//   o   [B,8,Sq,64] f32
//
// Run (inputs in the argument order; q, k, v and o as float32 .npy):
//   attn-run examples/variants/gqa.mlir \
//       --input=@q.npy --input=@k.npy --input=@v.npy \
//       --output=@o.npy
// Check against the float64 reference:
//   python3 test/Integration/lib/check_variant.py gqa \
//       --B 2 --Sq 100 --Skv 129

func.func @main(%q: tensor<?x8x?x64xf32>,
                %k: tensor<?x2x?x64xf32>,
                %v: tensor<?x2x?x64xf32>)
    -> tensor<?x8x?x64xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<?x8x?x64xf32>, tensor<?x2x?x64xf32>, tensor<?x2x?x64xf32>
      -> tensor<?x8x?x64xf32>
  return %o : tensor<?x8x?x64xf32>
}
