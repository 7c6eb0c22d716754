// RUN: attn-opt %s --attn-tile="key-tile=64 vector-width=16 key-splits=1" --cse --split-input-file | FileCheck %s

// A paged cache with 16-key pages: the key tile shrinks from 64 to 16 so
// that every tile lies in one page; the key loop steps on the tile grid,
// looks the tile's page up once, and the K loads read that page.

// CHECK-LABEL: func.func @paged_static
// CHECK-DAG:     %[[C16:.*]] = arith.constant 16 : index
// CHECK-DAG:     %[[KB:.*]] = bufferization.to_buffer %arg1 read_only : tensor<?x2x16x64xf32>
// CHECK-DAG:     %[[TB:.*]] = bufferization.to_buffer %arg4 read_only : tensor<?x?xi32>
// CHECK:         %[[P:.*]] = memref.dim %[[TB]], %{{.*}} : memref<?x?xi32>
// CHECK:         arith.muli %[[P]], %[[C16]] : index
// CHECK:         scf.parallel
// CHECK:         scf.for %[[K0:.*]] = %{{.*}} to %{{.*}} step %[[C16]]
// CHECK-NEXT:      %[[SLOT:.*]] = arith.divui %[[K0]], %[[C16]] : index
// CHECK-NEXT:      %[[ENTRY:.*]] = memref.load %[[TB]][%{{.*}}, %[[SLOT]]] : memref<?x?xi32>
// CHECK-NEXT:      %[[PAGE:.*]] = arith.index_cast %[[ENTRY]] : i32 to index
// CHECK-NEXT:      %[[ROW:.*]] = arith.remui %[[K0]], %[[C16]] : index
// CHECK-NEXT:      arith.subi %[[K0]], %[[ROW]] : index
// CHECK:           {{(memref|vector)}}.load %[[KB]][%[[PAGE]], %{{.*}}, %{{.*}}, %{{.*}}] : memref<?x2x16x64xf32>
// CHECK-NOT:     memref.load %[[TB]]
// CHECK:         return
func.func @paged_static(%q: tensor<?x8x?x64xf32>, %k: tensor<?x2x16x64xf32>,
                        %v: tensor<?x2x16x64xf32>, %len: tensor<?xi32>,
                        %bt: tensor<?x?xi32>) -> tensor<?x8x?x64xf32> {
  %o = attn.attention %q, %k, %v key_lengths(%len : tensor<?xi32>)
      block_table(%bt : tensor<?x?xi32>)
      : tensor<?x8x?x64xf32>, tensor<?x2x16x64xf32>, tensor<?x2x16x64xf32>
      -> tensor<?x8x?x64xf32>
  return %o : tensor<?x8x?x64xf32>
}

// -----

// A dynamic page size: the tile keeps its size and every key finds its
// page (a division and a remainder by the page size).

// CHECK-LABEL: func.func @paged_dynamic
// CHECK-DAG:     %[[KB:.*]] = bufferization.to_buffer %arg1 read_only : tensor<?x2x?x64xf32>
// CHECK-DAG:     %[[TB:.*]] = bufferization.to_buffer %arg3 read_only : tensor<?x?xi32>
// CHECK:         %[[PS:.*]] = memref.dim %[[KB]], %{{.*}} : memref<?x2x?x64xf32>
// CHECK:         scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c64
// CHECK:           %[[SLOT:.*]] = arith.divui %{{.*}}, %[[PS]] : index
// CHECK-NEXT:      %[[ENTRY:.*]] = memref.load %[[TB]][%{{.*}}, %[[SLOT]]] : memref<?x?xi32>
// CHECK-NEXT:      %[[PAGE:.*]] = arith.index_cast %[[ENTRY]] : i32 to index
// CHECK-NEXT:      %[[ROW:.*]] = arith.remui %{{.*}}, %[[PS]] : index
// CHECK:           {{(memref|vector)}}.load %[[KB]][%[[PAGE]], %{{.*}}, %[[ROW]], %{{.*}}] : memref<?x2x?x64xf32>
func.func @paged_dynamic(%q: tensor<?x8x?x64xf32>, %k: tensor<?x2x?x64xf32>,
                         %v: tensor<?x2x?x64xf32>, %bt: tensor<?x?xi32>)
    -> tensor<?x8x?x64xf32> {
  %o = attn.attention %q, %k, %v block_table(%bt : tensor<?x?xi32>) {causal}
      : tensor<?x8x?x64xf32>, tensor<?x2x?x64xf32>, tensor<?x2x?x64xf32>
      -> tensor<?x8x?x64xf32>
  return %o : tensor<?x8x?x64xf32>
}
