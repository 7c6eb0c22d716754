func.func @score_mod_yield_type(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                                %v: tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
      score_mod {
      ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
        attn.yield %i : index
      }
  return %o : tensor<1x4x8x16xf32>
}
