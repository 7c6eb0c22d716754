func.func @underived(%a: tensor<?xf32>) -> (tensor<?xf32>, tensor<?xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %d = tensor.dim %a, %c0 : tensor<?xf32>
  %n = arith.addi %d, %c1 : index
  %e = tensor.empty(%n) : tensor<?xf32>
  return %a, %e : tensor<?xf32>, tensor<?xf32>
}
