func.func @bias_shape(%q: tensor<?x4x?x16xf32>, %k: tensor<?x4x?x16xf32>,
                      %v: tensor<?x4x?x16xf32>, %b: tensor<?x2x?x?xf32>)
    -> tensor<?x4x?x16xf32> {
  %o = attn.attention %q, %k, %v bias(%b : tensor<?x2x?x?xf32>)
      : tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32>
      -> tensor<?x4x?x16xf32>
  return %o : tensor<?x4x?x16xf32>
}
