func.func @score_mod_tensor_value(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                                  %v: tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
      score_mod {
      ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
        %c = arith.constant dense<1.0> : tensor<2xf32>
        %d = arith.addf %c, %c : tensor<2xf32>
        attn.yield %s : f32
      }
  return %o : tensor<1x4x8x16xf32>
}
