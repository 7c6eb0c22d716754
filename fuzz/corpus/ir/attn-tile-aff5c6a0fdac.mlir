func.func @bool_mask(%q: tensor<?x4x?x64xf32>, %k: tensor<?x4x?x64xf32>,
                     %v: tensor<?x4x?x64xf32>, %m: tensor<?x1x?x?xi1>)
    -> tensor<?x4x?x64xf32> {
  %o = attn.attention %q, %k, %v mask(%m : tensor<?x1x?x?xi1>)
      : tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>
      -> tensor<?x4x?x64xf32>
  return %o : tensor<?x4x?x64xf32>
}
