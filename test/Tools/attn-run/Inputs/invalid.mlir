// Key head dim 32 does not match the query's 64: the verifier rejects it.
func.func @main(%q: tensor<1x4x8x64xf32>, %k: tensor<1x4x8x32xf32>,
                %v: tensor<1x4x8x64xf32>) -> tensor<1x4x8x64xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<1x4x8x64xf32>, tensor<1x4x8x32xf32>, tensor<1x4x8x64xf32>
      -> tensor<1x4x8x64xf32>
  return %o : tensor<1x4x8x64xf32>
}
