func.func @unmasked(%q: tensor<2x4x100x64xf32>, %k: tensor<2x4x70x64xf32>,
                    %v: tensor<2x4x70x64xf32>) -> tensor<2x4x100x64xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<2x4x100x64xf32>, tensor<2x4x70x64xf32>, tensor<2x4x70x64xf32>
      -> tensor<2x4x100x64xf32>
  return %o : tensor<2x4x100x64xf32>
}
