func.func @score_neg_l2(%q: tensor<?x8x?x64xf32>, %k: tensor<?x8x?x64xf32>,
                        %v: tensor<?x8x?x64xf32>) -> tensor<?x8x?x64xf32> {
  %o = attn.attention %q, %k, %v {score = #attn.score<neg_l2>}
      : tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32>
      -> tensor<?x8x?x64xf32>
  return %o : tensor<?x8x?x64xf32>
}
