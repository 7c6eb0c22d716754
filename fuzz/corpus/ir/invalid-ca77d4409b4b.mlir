func.func @key_head_dim(%q: tensor<?x4x?x16xf32>, %k: tensor<?x4x?x32xf32>,
                        %v: tensor<?x4x?x16xf32>) -> tensor<?x4x?x16xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<?x4x?x16xf32>, tensor<?x4x?x32xf32>, tensor<?x4x?x16xf32>
      -> tensor<?x4x?x16xf32>
  return %o : tensor<?x4x?x16xf32>
}
