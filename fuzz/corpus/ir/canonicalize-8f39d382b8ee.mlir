func.func @identity_score_mod_dropped(%q: tensor<1x4x16x8xf32>,
                                      %k: tensor<1x4x16x8xf32>,
                                      %v: tensor<1x4x16x8xf32>)
    -> tensor<1x4x16x8xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>
      -> tensor<1x4x16x8xf32>
      score_mod {
      ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
        attn.yield %s : f32
      }
  return %o : tensor<1x4x16x8xf32>
}
