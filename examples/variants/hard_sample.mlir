// hard_sample: hard attention sampled from the softmax (section B).
// Semantics: shared/VARIANTS.md, row `hard_sample`.
//
// Math:
//   s_ij = (q_i . k_j) / sqrt(D),  P = softmax_j(s)
//   j* = min{ j : sum_{j' <= j} P_ij' > u_i }   (u in [0, 1))
//   o_i = v_{j*}
//   attn-tile makes two passes over the keys: the log-sum-exp, then the
//   running CDF.
//
// Arguments of @main (B, Sq, Skv dynamic; heads and head dims static):
//   q   [B,4,Sq,64] f32
//   k   [B,4,Skv,64] f32
//   v   [B,4,Skv,64] f32
//   u   [B,4,Sq] f32, one uniform sample per query row
// Result:
//   o   [B,4,Sq,64] f32
//
// Run (inputs in the argument order, all float32 .npy):
//   attn-run examples/variants/hard_sample.mlir \
//       --input=@q.npy --input=@k.npy --input=@v.npy --input=@u.npy \
//       --output=@o.npy
// Check against the float64 reference:
//   python3 test/Integration/lib/check_variant.py hard_sample \
//       --B 2 --Sq 100 --Skv 129

func.func @main(%q: tensor<?x4x?x64xf32>,
                %k: tensor<?x4x?x64xf32>,
                %v: tensor<?x4x?x64xf32>,
                %u: tensor<?x4x?xf32>)
    -> tensor<?x4x?x64xf32> {
  %o = attn.attention %q, %k, %v normalizer_operands(%u : tensor<?x4x?xf32>)
      {normalizer = #attn.normalizer<hard_sample>}
      : tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>
      -> tensor<?x4x?x64xf32>
  return %o : tensor<?x4x?x64xf32>
}
