// hard: hard (argmax) attention (section B).
// Semantics: shared/VARIANTS.md, row `hard`.
//
// Math:
//   s_ij = (q_i . k_j) / sqrt(D)
//   j* = argmax_j s_ij (ties go to the lowest j),  o_i = v_{j*}
//
// Arguments of @main (B, Sq, Skv dynamic; heads and head dims static):
//   q   [B,4,Sq,64] f32
//   k   [B,4,Skv,64] f32
//   v   [B,4,Skv,64] f32
// Result:
//   o   [B,4,Sq,64] f32
//
// Run (inputs in the argument order, all float32 .npy):
//   attn-run examples/variants/hard.mlir \
//       --input=@q.npy --input=@k.npy --input=@v.npy \
//       --output=@o.npy
// Check against the float64 reference:
//   python3 test/Integration/lib/check_variant.py hard \
//       --B 2 --Sq 100 --Skv 129

func.func @main(%q: tensor<?x4x?x64xf32>,
                %k: tensor<?x4x?x64xf32>,
                %v: tensor<?x4x?x64xf32>)
    -> tensor<?x4x?x64xf32> {
  %o = attn.attention %q, %k, %v
      {normalizer = #attn.normalizer<hard>}
      : tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>
      -> tensor<?x4x?x64xf32>
  return %o : tensor<?x4x?x64xf32>
}
