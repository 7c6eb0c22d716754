// RUN: attn-opt %s --attn-to-gpu | FileCheck %s --check-prefix=FMA --enable-var-scope --implicit-check-not=nvgpu.ldmatrix --implicit-check-not=nvvm.mma.sync
// RUN: attn-opt %s --attn-to-gpu="allow-tf32=true" | FileCheck %s --check-prefix=TF32 --enable-var-scope
// RUN: attn-opt %s --attn-to-gpu="shared-memory-bytes=65536" | FileCheck %s --check-prefix=SMALL

// f32 inputs: the same kernel as f16 with tiles of twice the bytes and
// 16-byte copies of four elements. The exact path pads each row by four
// elements instead of swizzling it: 4 * 68 * (64 + 2 * 64 + 2 * 64) =
// 87040 bytes.
// FMA-LABEL: func.func @causal
// FMA: %[[SMEM:.*]] = arith.constant 87040 : i32
// FMA: gpu.launch_func @attn_kernels::@attention_0 {{.*}} dynamic_shared_memory_size %[[SMEM]] args({{.*}} : memref<?x4x?x64xf32>,
// FMA: gpu.func @attention_0
// FMA: nvgpu.device_async_copy %arg0[{{.*}}], %{{.*}}[{{.*}}], 4, %{{.*}} {bypassL1} : memref<?x4x?x64xf32> to memref<4352xf32, #gpu.address_space<workgroup>>
// The exact path: S = Q K^T by FMAs over the head dim, 16 bytes of Q and
// K at a time, the 32 scores of the thread (2 rows x 16 keys) carried.
// FMA: scf.for
// FMA: %{{.*}}:32 = scf.for %{{.*}} = %{{.*}} to %c16{{(_[0-9]+)?}} step %c1{{(_[0-9]+)?}} iter_args(
// FMA: vector.load %{{.*}}[%{{.*}}] {alignment = 16 : i64} : memref<4352xf32, #gpu.address_space<workgroup>>, vector<4xf32>
// FMA: vector.load %{{.*}}[%{{.*}}] {alignment = 16 : i64} : memref<8704xf32, #gpu.address_space<workgroup>>, vector<4xf32>
// FMA: llvm.intr.fma
// FMA: scf.yield
// The variant math and the online softmax on the fragments, as for f16.
// FMA: scf.if %{{.*}} -> (f32
// FMA: gpu.shuffle xor %{{.*}}, %{{.*}}, %{{.*}} : f32
// FMA: llvm.call_intrinsic "llvm.nvvm.ex2.approx.f32"
// O += P V: the weights of the quad's other keys by shfl.xor, V in pairs.
// FMA: gpu.shuffle xor
// FMA: vector.load %{{.*}}[%{{.*}}] {alignment = 8 : i64} : memref<8704xf32, #gpu.address_space<workgroup>>, vector<2xf32>
// FMA: llvm.intr.fma
// FMA: gpu.barrier
// FMA: vector.store %{{.*}}, %arg3[{{.*}}] : memref<?x4x?x64xf32>, vector<2xf32>

// allow-tf32: mma.sync m16n8k8 on TF32 registers (cvt.rna); Q fragments
// stay in registers (D = 64: eight k-steps of 8), K by ldmatrix (an 8 x 8
// b16 matrix is an 8 x 4 f32 one), V by scalar loads.
// TF32 tiles are swizzled for ldmatrix, as f16 ones:
// 4 * (64 * 64 + 2 * 64 * 64 + 2 * 64 * 64) = 81920 bytes.
// TF32-LABEL: func.func @causal
// TF32: arith.constant 81920 : i32
// TF32: gpu.func @attention_0
// TF32-COUNT-8: nvgpu.ldmatrix %{{.*}} {numTiles = 4 : i32, transpose = false} : memref<4096xf32, #gpu.address_space<workgroup>> -> vector<4x1xf32>
// TF32: nvvm.convert.float.to.tf32 %{{.*}} {rnd = #nvvm.fp_rnd_mode<rna>}
// TF32: scf.for
// TF32: nvgpu.ldmatrix %{{.*}} {numTiles = 4 : i32, transpose = false} : memref<8192xf32, #gpu.address_space<workgroup>> -> vector<4x1xf32>
// TF32: nvvm.mma.sync {{.*}}multiplicandAPtxType = #nvvm.mma_type<tf32>{{.*}}shape = #nvvm.shape<m = 16, n = 8, k = 8>{{.*}} : (i32, i32, f32) -> !llvm.struct<(f32, f32, f32, f32)>
// TF32: llvm.call_intrinsic "llvm.nvvm.ex2.approx.f32"
// TF32: memref.load %{{.*}}[%{{.*}}] : memref<8192xf32, #gpu.address_space<workgroup>>
// TF32: nvvm.convert.float.to.tf32
// TF32: nvvm.mma.sync {{.*}}shape = #nvvm.shape<m = 16, n = 8, k = 8>
// TF32: vector.store %{{.*}}, %arg3[{{.*}}] : memref<?x4x?x64xf32>, vector<2xf32>

// The key tile halves until the f32 tiles fit: 32 keys,
// 4 * 68 * (64 + 4 * 32) = 52224 bytes.
// SMALL: arith.constant 52224 : i32
func.func @causal(%q: tensor<?x4x?x64xf32>, %k: tensor<?x4x?x64xf32>,
                  %v: tensor<?x4x?x64xf32>) -> tensor<?x4x?x64xf32> {
  %o = attn.attention %q, %k, %v {causal}
      : tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>
      -> tensor<?x4x?x64xf32>
  return %o : tensor<?x4x?x64xf32>
}
