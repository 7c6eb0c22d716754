// RUN: attn-opt %s --attn-linalg-to-gpu --split-input-file --verify-diagnostics

// The host holds device pointers: it cannot store into the caller's
// buffers itself.
func.func @host_store(%a: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %x = arith.constant 1.0 : f32
  // expected-error @+1 {{'memref.store' op writes device memory from the host (attn-linalg-to-gpu moves linalg ops to the device, not single stores)}}
  memref.store %x, %a[%c0] : memref<4xf32>
  return
}

// -----

// Linalg ops that are not structured have no kernel: a diagnostic, not a
// host loop over device memory.
func.func @softmax(%a: memref<2x4xf32>, %b: memref<2x4xf32>) {
  // expected-error @+1 {{'linalg.softmax' op has no GPU kernel (attn-linalg-to-gpu lowers structured linalg ops and copies)}}
  linalg.softmax dimension(1) ins(%a : memref<2x4xf32>)
                              outs(%b : memref<2x4xf32>)
  return
}
