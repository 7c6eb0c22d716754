func.func @eca_output(%x: tensor<?x64x?x?xf32>, %w: tensor<3xf32>) -> tensor<?x32x?x?xf32> {
  %y = attn.eca %x, %w : tensor<?x64x?x?xf32>, tensor<3xf32> -> tensor<?x32x?x?xf32>
  return %y : tensor<?x32x?x?xf32>
}
