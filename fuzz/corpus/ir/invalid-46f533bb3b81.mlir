func.func @score_mod_two_blocks(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                                %v: tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
      score_mod {
      ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
        attn.yield %s : f32
      ^bb1(%t: f32, %b1: index, %h1: index, %i1: index, %j1: index):
        attn.yield %t : f32
      }
  return %o : tensor<1x4x8x16xf32>
}
