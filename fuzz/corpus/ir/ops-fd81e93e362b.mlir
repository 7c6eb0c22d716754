func.func @normalizer_topk(%q: tensor<?x8x?x64xf32>, %k: tensor<?x8x?x64xf32>,
                           %v: tensor<?x8x?x64xf32>) -> tensor<?x8x?x64xf32> {
  %o = attn.attention %q, %k, %v
      {normalizer = #attn.normalizer<topk>, top_k = 8}
      : tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32>
      -> tensor<?x8x?x64xf32>
  return %o : tensor<?x8x?x64xf32>
}
