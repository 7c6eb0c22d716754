func.func @mask_mod_nested_region(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                                  %v: tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
      mask_mod {
      ^bb0(%b: index, %h: index, %i: index, %j: index):
        %t = tensor.generate {
        ^bb0(%x: index):
          %c = arith.constant true
          tensor.yield %c : i1
        } : tensor<2xi1>
        %ok = arith.cmpi sle, %j, %i : index
        attn.yield %ok : i1
      }
  return %o : tensor<1x4x8x16xf32>
}
