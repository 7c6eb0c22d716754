// The column pass of criss_cross (examples/variants/criss_cross.mlir): as
// lse_d8v16.mlir, with the mask_mod that hides key row i from query row i
// (that position is a key of the row pass).
func.func @main(%q: tensor<?x1x?x8xf32>, %k: tensor<?x1x?x8xf32>,
                %v: tensor<?x1x?x16xf32>)
    -> (tensor<?x1x?x16xf32>, tensor<?x1x?xf32>) {
  %o, %lse = attn.attention %q, %k, %v {scale = 1.0 : f32}
      : tensor<?x1x?x8xf32>, tensor<?x1x?x8xf32>, tensor<?x1x?x16xf32>
      -> tensor<?x1x?x16xf32>, tensor<?x1x?xf32>
      mask_mod {
      ^bb0(%b: index, %h: index, %i: index, %j: index):
        %ok = arith.cmpi ne, %j, %i : index
        attn.yield %ok : i1
      }
  return %o, %lse : tensor<?x1x?x16xf32>, tensor<?x1x?xf32>
}
