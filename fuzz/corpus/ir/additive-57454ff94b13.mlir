func.func @main(%q: tensor<?x4x?x64xf32>,
                %k: tensor<?x4x?x64xf32>,
                %v: tensor<?x4x?x64xf32>,
                %Wq: tensor<64x32xf32>,
                %Wk: tensor<64x32xf32>,
                %va: tensor<32xf32>)
    -> tensor<?x4x?x64xf32> {
  %o = attn.attention %q, %k, %v score_operands(%Wq, %Wk, %va
          : tensor<64x32xf32>, tensor<64x32xf32>, tensor<32xf32>)
      {score = #attn.score<additive>, scale = 1.0 : f32}
      : tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>
      -> tensor<?x4x?x64xf32>
  return %o : tensor<?x4x?x64xf32>
}
