func.func @element_type(%a: tensor<4xf32>) -> tensor<4xi16> {
  %r = arith.fptosi %a : tensor<4xf32> to tensor<4xi16>
  return %r : tensor<4xi16>
}
