func.func @eca(%x: tensor<?x?x?x?xf32>, %w: tensor<5xf32>) -> tensor<?x?x?x?xf32> {
  %y = attn.eca %x, %w : tensor<?x?x?x?xf32>, tensor<5xf32> -> tensor<?x?x?x?xf32>
  return %y : tensor<?x?x?x?xf32>
}
