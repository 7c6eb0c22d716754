func.func @compositional(%q: tensor<?x4x?x64xf32>, %k: tensor<?x4x?x64xf32>,
                         %v: tensor<?x4x?x64xf32>) -> tensor<?x4x?x64xf32> {
  %o = attn.attention %q, %k, %v
      {score = #attn.score<compositional>, normalizer = #attn.normalizer<none>}
      : tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>
      -> tensor<?x4x?x64xf32>
  return %o : tensor<?x4x?x64xf32>
}
