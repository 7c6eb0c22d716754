func.func @both_regions_canonicalised(%q: tensor<1x4x16x8xf32>,
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
      mask_mod {
      ^bb0(%b: index, %h: index, %i: index, %j: index):
        %ok = arith.cmpi ule, %j, %i : index
        attn.yield %ok : i1
      }
  return %o : tensor<1x4x16x8xf32>
}
