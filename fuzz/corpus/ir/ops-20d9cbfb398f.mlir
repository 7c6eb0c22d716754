func.func @normalizer_hard_sample(%q: tensor<?x8x?x64xf32>,
                                  %k: tensor<?x8x?x64xf32>,
                                  %v: tensor<?x8x?x64xf32>,
                                  %u: tensor<?x8x?xf32>) -> tensor<?x8x?x64xf32> {
  %o = attn.attention %q, %k, %v normalizer_operands(%u : tensor<?x8x?xf32>)
      {normalizer = #attn.normalizer<hard_sample>}
      : tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32>
      -> tensor<?x8x?x64xf32>
  return %o : tensor<?x8x?x64xf32>
}
