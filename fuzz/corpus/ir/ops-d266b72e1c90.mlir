func.func @mask_mod(%q: tensor<1x4x128x64xf32>, %k: tensor<1x4x128x64xf32>,
                    %v: tensor<1x4x128x64xf32>) -> tensor<1x4x128x64xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<1x4x128x64xf32>, tensor<1x4x128x64xf32>, tensor<1x4x128x64xf32>
      -> tensor<1x4x128x64xf32>
      mask_mod {
      ^bb0(%b: index, %h: index, %i: index, %j: index):
        %c4 = arith.constant 4 : index
        %r = arith.remui %j, %c4 : index
        %c0 = arith.constant 0 : index
        %ok = arith.cmpi eq, %r, %c0 : index
        attn.yield %ok : i1
      }
  return %o : tensor<1x4x128x64xf32>
}
