func.func @attention(%q: tensor<?x8x?x64xf32> {attn.name = "q"},
                     %k: tensor<?x8x?x64xf32> {attn.name = "k"},
                     %v: tensor<?x8x?x32xf32> {attn.name = "v"})
    -> (tensor<?x8x?x32xf32> {attn.name = "out"}) {
  %o = attn.attention %q, %k, %v
      : tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32>, tensor<?x8x?x32xf32>
      -> tensor<?x8x?x32xf32>
  return %o : tensor<?x8x?x32xf32>
}
