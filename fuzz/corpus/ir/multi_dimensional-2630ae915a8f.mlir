func.func @main(%q: tensor<?x4x?x64xf32>,
                %k: tensor<?x4x?x64xf32>,
                %v: tensor<?x4x?x64xf32>,
                %W1: tensor<64x64xf32>,
                %W2: tensor<64x64xf32>,
                %b: tensor<64xf32>)
    -> tensor<?x4x?x64xf32> {
  %o = attn.attention %q, %k, %v score_operands(%W1, %W2, %b
          : tensor<64x64xf32>, tensor<64x64xf32>, tensor<64xf32>)
      {score = #attn.score<multi_dimensional>, scale = 1.0 : f32}
      : tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>
      -> tensor<?x4x?x64xf32>
  return %o : tensor<?x4x?x64xf32>
}
