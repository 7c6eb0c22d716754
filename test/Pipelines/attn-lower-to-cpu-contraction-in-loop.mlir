// RUN: attn-opt %s --attn-lower-to-cpu | FileCheck %s

// A graph matmul inside a loop (a recurrent step written with scf.for)
// lowers all the way: the register tiles' packed panel is allocated outside the
// loop, so the loop body is still one block when memref lowers.
// CHECK: llvm.func internal @recurrent
// CHECK: llvm.alloca {{.*}} x f32 {alignment = 64 : i64}
func.func @recurrent(%x: tensor<16x32xf32>, %w: tensor<32x32xf32>)
    -> tensor<16x32xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %zero = arith.constant 0.0 : f32
  %out = scf.for %i = %c0 to %c3 step %c1 iter_args(%h = %x)
      -> tensor<16x32xf32> {
    %e = tensor.empty() : tensor<16x32xf32>
    %f = linalg.fill ins(%zero : f32) outs(%e : tensor<16x32xf32>)
        -> tensor<16x32xf32>
    %m = linalg.matmul ins(%h, %w : tensor<16x32xf32>, tensor<32x32xf32>)
                       outs(%f : tensor<16x32xf32>) -> tensor<16x32xf32>
    scf.yield %m : tensor<16x32xf32>
  }
  return %out : tensor<16x32xf32>
}
