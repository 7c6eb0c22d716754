func.func @branches(%a: tensor<?x4xf32>, %b: tensor<?x4xf32>, %t: tensor<i1>)
    -> tensor<?x4xf32> {
  %c = tensor.extract %t[] : tensor<i1>
  cf.cond_br %c, ^bb1(%a : tensor<?x4xf32>), ^bb1(%b : tensor<?x4xf32>)
^bb1(%x: tensor<?x4xf32>):
  return %x : tensor<?x4xf32>
}
func.func @regions(%a: tensor<?xi64>, %b: tensor<?xi64>, %t: tensor<i1>)
    -> tensor<?xi64> {
  %c = tensor.extract %t[] : tensor<i1>
  %r = scf.if %c -> tensor<?xi64> {
    scf.yield %a : tensor<?xi64>
  } else {
    scf.yield %b : tensor<?xi64>
  }
  return %r : tensor<?xi64>
}
