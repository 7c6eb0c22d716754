func.func @main(%d: tensor<?x?x64xf32>, %q: tensor<?x?x64xf32>)
    -> tensor<?x?xf32> {
  %s = attn.attention_over_attention %d, %q
      : tensor<?x?x64xf32>, tensor<?x?x64xf32> -> tensor<?x?xf32>
  return %s : tensor<?x?xf32>
}
