func.func @explicit_defaults(%q: tensor<1x1x4x8xf32>, %k: tensor<1x1x4x8xf32>,
                             %v: tensor<1x1x4x8xf32>) -> tensor<1x1x4x8xf32> {
  %o = attn.attention %q, %k, %v
      {score = #attn.score<dot>, normalizer = #attn.normalizer<softmax>}
      : tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32>
      -> tensor<1x1x4x8xf32>
  return %o : tensor<1x1x4x8xf32>
}
