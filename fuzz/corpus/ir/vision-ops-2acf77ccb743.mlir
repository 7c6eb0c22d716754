func.func @non_local_static(%x: tensor<2x4x3x5xf32>, %wt: tensor<4x2xf32>,
                            %wp: tensor<?x?xf32>, %wg: tensor<4x?xf32>,
                            %wz: tensor<?x4xf32>) -> tensor<?x?x?x?xf32> {
  %z = attn.non_local %x, %wt, %wp, %wg, %wz
      : tensor<2x4x3x5xf32>, tensor<4x2xf32>, tensor<?x?xf32>,
        tensor<4x?xf32>, tensor<?x4xf32> -> tensor<?x?x?x?xf32>
  return %z : tensor<?x?x?x?xf32>
}
