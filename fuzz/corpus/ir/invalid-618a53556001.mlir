func.func @general_dynamic_weight(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                                  %v: tensor<1x4x8x16xf32>, %w: tensor<?x?xf32>)
    -> tensor<1x4x8x16xf32> {
  %o = attn.attention %q, %k, %v score_operands(%w : tensor<?x?xf32>)
      {score = #attn.score<general>}
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}
