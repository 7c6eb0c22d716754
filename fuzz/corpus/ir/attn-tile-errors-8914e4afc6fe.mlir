func.func @non_elementwise_region(%q: tensor<1x2x8x16xf32>,
                                  %k: tensor<1x2x8x16xf32>,
                                  %v: tensor<1x2x8x16xf32>)
    -> tensor<1x2x8x16xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>
      -> tensor<1x2x8x16xf32>
      score_mod {
      ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
        %d = index.sub %i, %j
        %c = arith.index_cast %d : index to i64
        %f = arith.sitofp %c : i64 to f32
        %e = arith.addf %s, %f : f32
        attn.yield %e : f32
      }
  return %o : tensor<1x2x8x16xf32>
}
