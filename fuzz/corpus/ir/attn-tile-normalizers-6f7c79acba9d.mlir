func.func @hard_sample(%q: tensor<?x4x?x64xf32>, %k: tensor<?x4x?x64xf32>,
                       %v: tensor<?x4x?x64xf32>, %u: tensor<?x4x?xf32>)
    -> tensor<?x4x?x64xf32> {
  %o = attn.attention %q, %k, %v normalizer_operands(%u : tensor<?x4x?xf32>)
      {normalizer = #attn.normalizer<hard_sample>}
      : tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>
      -> tensor<?x4x?x64xf32>
  return %o : tensor<?x4x?x64xf32>
}
