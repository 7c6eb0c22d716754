func.func @co_attention(%a: tensor<?x?x64xf32>, %b: tensor<?x?x64xf32>)
    -> (tensor<?x?x64xf32>, tensor<?x?x64xf32>) {
  %a2, %b2 = attn.co_attention %a, %b
      : tensor<?x?x64xf32>, tensor<?x?x64xf32>
      -> tensor<?x?x64xf32>, tensor<?x?x64xf32>
  return %a2, %b2 : tensor<?x?x64xf32>, tensor<?x?x64xf32>
}
