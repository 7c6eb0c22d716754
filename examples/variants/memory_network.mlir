// memory_network: end-to-end memory network read, 3 hops (section D).
// Semantics: shared/VARIANTS.md, row `memory_network`.
//
// Math (D = 64, no scaling), 3 times:
//   p = softmax_n(u . m_n)
//   u = u + sum_n p_n c_n
// Result: the final u.
// attn-decompose emits per hop one fused attn.attention (u as the single
// query, m the keys, c the values, scale 1.0) and one linalg.generic for
// the residual update.
//
// Arguments of @main (B, N dynamic; D static):
//   u   [B,64] f32
//   m   [B,N,64] f32
//   c   [B,N,64] f32
// Result:
//   o   [B,64] f32
//
// Run (inputs in the argument order, float32 .npy):
//   attn-run examples/variants/memory_network.mlir \
//       --input=@u.npy --input=@m.npy --input=@c.npy --output=@o.npy
// Check against the float64 reference:
//   python3 test/Integration/lib/check_variant.py memory_network \
//       --B 2 --dim N=65

func.func @main(%u: tensor<?x64xf32>, %m: tensor<?x?x64xf32>,
                %c: tensor<?x?x64xf32>) -> tensor<?x64xf32> {
  %o = attn.memory_network %u, %m, %c {hops = 3 : i64}
      : tensor<?x64xf32>, tensor<?x?x64xf32>, tensor<?x?x64xf32>
      -> tensor<?x64xf32>
  return %o : tensor<?x64xf32>
}
