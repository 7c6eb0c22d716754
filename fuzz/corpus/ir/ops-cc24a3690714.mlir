func.func @broadcast_mask_bias(%q: tensor<3x2x5x8xf32>, %k: tensor<3x2x7x8xf32>,
                               %v: tensor<3x2x7x8xf32>, %m: tensor<1x1x1x7xi1>,
                               %b: tensor<3x1x5x1xf32>) -> tensor<3x2x5x8xf32> {
  %o = attn.attention %q, %k, %v mask(%m : tensor<1x1x1x7xi1>)
      bias(%b : tensor<3x1x5x1xf32>) {window = array<i64: 2, 3>}
      : tensor<3x2x5x8xf32>, tensor<3x2x7x8xf32>, tensor<3x2x7x8xf32>
      -> tensor<3x2x5x8xf32>
  return %o : tensor<3x2x5x8xf32>
}
