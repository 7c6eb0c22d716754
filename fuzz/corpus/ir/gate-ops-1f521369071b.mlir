func.func @squeeze_excite_dynamic_c(%x: tensor<?x?x?x?xf32>, %w1: tensor<8x?xf32>,
                                    %b1: tensor<?xf32>, %w2: tensor<?x8xf32>,
                                    %b2: tensor<8xf32>) -> tensor<?x8x?x?xf32> {
  %y = attn.squeeze_excite %x, %w1, %b1, %w2, %b2
      : tensor<?x?x?x?xf32>, tensor<8x?xf32>, tensor<?xf32>, tensor<?x8xf32>,
        tensor<8xf32> -> tensor<?x8x?x?xf32>
  return %y : tensor<?x8x?x?xf32>
}
