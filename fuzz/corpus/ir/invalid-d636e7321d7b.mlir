func.func @mask_mod_vector_value(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                                 %v: tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
      mask_mod {
      ^bb0(%b: index, %h: index, %i: index, %j: index):
        %t = arith.constant true
        %c = vector.broadcast %t : i1 to vector<4xi1>
        %d = arith.andi %c, %c : vector<4xi1>
        attn.yield %t : i1
      }
  return %o : tensor<1x4x8x16xf32>
}
