func.func @nl_theta_rank(%x: tensor<?x16x?x?xf32>, %wt: tensor<16xf32>, %wp: tensor<16x8xf32>, %wg: tensor<16x8xf32>, %wz: tensor<8x16xf32>) -> tensor<?x16x?x?xf32> {
  %z = attn.non_local %x, %wt, %wp, %wg, %wz
      : tensor<?x16x?x?xf32>, tensor<16xf32>, tensor<16x8xf32>,
        tensor<16x8xf32>, tensor<8x16xf32> -> tensor<?x16x?x?xf32>
  return %z : tensor<?x16x?x?xf32>
}
