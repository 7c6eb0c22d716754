func.func @score_mod(%q: tensor<1x4x128x64xf32>, %k: tensor<1x4x128x64xf32>,
                     %v: tensor<1x4x128x64xf32>) -> tensor<1x4x128x64xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<1x4x128x64xf32>, tensor<1x4x128x64xf32>, tensor<1x4x128x64xf32>
      -> tensor<1x4x128x64xf32>
      score_mod {
      ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
        %d = arith.subi %i, %j : index
        %di = arith.index_cast %d : index to i64
        %df = arith.sitofp %di : i64 to f32
        %t = arith.subf %s, %df : f32
        attn.yield %t : f32
      }
  return %o : tensor<1x4x128x64xf32>
}
