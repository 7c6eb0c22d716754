func.func @elementwise(%a: tensor<?x?xf32>, %b: tensor<4x?xf32>,
                       %c: tensor<?xi8>)
    -> (tensor<?x?xf32>, tensor<?x?xf64>) {
  %bc = tensor.cast %b : tensor<4x?xf32> to tensor<?x?xf32>
  %s = arith.addf %a, %bc : tensor<?x?xf32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %d0 = tensor.dim %c, %c0 : tensor<?xi8>
  %d1 = tensor.dim %s, %c1 : tensor<?x?xf32>
  %e = tensor.empty(%d0, %d1) : tensor<?x?xf64>
  return %s, %e : tensor<?x?xf32>, tensor<?x?xf64>
}
