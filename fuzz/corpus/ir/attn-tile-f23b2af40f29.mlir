func.func @mods(%q: tensor<?x4x?x64xf32>, %k: tensor<?x4x?x64xf32>,
                %v: tensor<?x4x?x64xf32>, %b: tensor<?x4x?x?xf32>)
    -> (tensor<?x4x?x64xf32>, tensor<?x4x?xf32>) {
  %o, %lse = attn.attention %q, %k, %v bias(%b : tensor<?x4x?x?xf32>)
      {softcap = 30.0 : f32}
      : tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>
      -> tensor<?x4x?x64xf32>, tensor<?x4x?xf32>
      score_mod {
      ^bb0(%s: f32, %bb: index, %h: index, %i: index, %j: index):
        %c = arith.constant 2.0 : f32
        %t = arith.mulf %s, %c : f32
        attn.yield %t : f32
      }
  return %o, %lse : tensor<?x4x?x64xf32>, tensor<?x4x?xf32>
}
