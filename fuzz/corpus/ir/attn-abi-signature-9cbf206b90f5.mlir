func.func @masked(%q: tensor<?x2x?x16xf16>, %k: tensor<?x2x?x16xf16>,
                  %v: tensor<?x2x?x16xf16>, %m: tensor<?x1x?x?xi1>,
                  %len: tensor<?xi32>)
    -> (tensor<?x2x?x16xf16>, tensor<?x2x?xf32>) {
  %o, %lse = attn.attention %q, %k, %v mask(%m : tensor<?x1x?x?xi1>)
      key_lengths(%len : tensor<?xi32>)
      : tensor<?x2x?x16xf16>, tensor<?x2x?x16xf16>, tensor<?x2x?x16xf16>
      -> tensor<?x2x?x16xf16>, tensor<?x2x?xf32>
  return %o, %lse : tensor<?x2x?x16xf16>, tensor<?x2x?xf32>
}
