// The attention of criss_cross (examples/variants/criss_cross.mlir): one
// head, D = 8, Dv = 16, no scale, with the log-sum-exp result that merges
// its row and column passes. Head dims below 16 are padded with zeros in
// the GPU kernel's tiles. Checked as `dot` by check_variant.py --module.
func.func @main(%q: tensor<?x1x?x8xf32>, %k: tensor<?x1x?x8xf32>,
                %v: tensor<?x1x?x16xf32>)
    -> (tensor<?x1x?x16xf32>, tensor<?x1x?xf32>) {
  %o, %lse = attn.attention %q, %k, %v {scale = 1.0 : f32}
      : tensor<?x1x?x8xf32>, tensor<?x1x?x8xf32>, tensor<?x1x?x16xf32>
      -> tensor<?x1x?x16xf32>, tensor<?x1x?xf32>
  return %o, %lse : tensor<?x1x?x16xf32>, tensor<?x1x?xf32>
}
