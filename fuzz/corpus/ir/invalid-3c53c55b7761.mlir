func.func @softmax_with_u(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                          %v: tensor<1x4x8x16xf32>, %u: tensor<1x4x8xf32>)
    -> tensor<1x4x8x16xf32> {
  %o = attn.attention %q, %k, %v normalizer_operands(%u : tensor<1x4x8xf32>)
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}
