// Scaled dot-product attention as a TOSA frontend writes it: K transposed,
// tosa.matmul, the scale as a broadcast tosa.mul, the softmax as
// reduce_max/sub/exp/reduce_sum/reciprocal/mul, tosa.matmul with V. Heads
// are the batch dimension ([B*H, S, D]).
func.func @main(%q: tensor<4x37x16xf32>, %k: tensor<4x50x16xf32>,
                %v: tensor<4x50x16xf32>) -> tensor<4x37x16xf32> {
  %kt = tosa.transpose %k {perms = array<i32: 0, 2, 1>}
      : (tensor<4x50x16xf32>) -> tensor<4x16x50xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}>
      : () -> tensor<1xf32>
  %s = tosa.matmul %q, %kt, %zp, %zp
      : (tensor<4x37x16xf32>, tensor<4x16x50xf32>, tensor<1xf32>,
         tensor<1xf32>) -> tensor<4x37x50xf32>
  %c = "tosa.const"() <{values = dense<0.3> : tensor<1x1x1xf32>}>
      : () -> tensor<1x1x1xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}>
      : () -> tensor<1xi8>
  %ss = tosa.mul %s, %c, %shift
      : (tensor<4x37x50xf32>, tensor<1x1x1xf32>, tensor<1xi8>)
      -> tensor<4x37x50xf32>
  %m = tosa.reduce_max %ss {axis = 2 : i32}
      : (tensor<4x37x50xf32>) -> tensor<4x37x1xf32>
  %d = tosa.sub %ss, %m
      : (tensor<4x37x50xf32>, tensor<4x37x1xf32>) -> tensor<4x37x50xf32>
  %e = tosa.exp %d : (tensor<4x37x50xf32>) -> tensor<4x37x50xf32>
  %z = tosa.reduce_sum %e {axis = 2 : i32}
      : (tensor<4x37x50xf32>) -> tensor<4x37x1xf32>
  %r = tosa.reciprocal %z : (tensor<4x37x1xf32>) -> tensor<4x37x1xf32>
  %p = tosa.mul %e, %r, %shift
      : (tensor<4x37x50xf32>, tensor<4x37x1xf32>, tensor<1xi8>)
      -> tensor<4x37x50xf32>
  %o = tosa.matmul %p, %v, %zp, %zp
      : (tensor<4x37x50xf32>, tensor<4x50x16xf32>, tensor<1xf32>,
         tensor<1xf32>) -> tensor<4x37x16xf32>
  return %o : tensor<4x37x16xf32>
}
