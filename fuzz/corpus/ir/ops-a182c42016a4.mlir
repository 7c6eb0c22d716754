func.func @all_masks_and_lse(%q: tensor<?x8x?x64xf32>, %k: tensor<?x2x?x64xf32>,
                             %v: tensor<?x2x?x32xf32>, %m: tensor<?x1x?x?xi1>,
                             %b: tensor<1x8x?x?xf32>, %len: tensor<?xi32>)
    -> (tensor<?x8x?x32xf32>, tensor<?x8x?xf32>) {
  %o, %lse = attn.attention %q, %k, %v mask(%m : tensor<?x1x?x?xi1>)
      bias(%b : tensor<1x8x?x?xf32>) key_lengths(%len : tensor<?xi32>)
      {causal, window = array<i64: 64, 0>, alibi, softcap = 50.0 : f32,
       scale = 0.125 : f32}
      : tensor<?x8x?x64xf32>, tensor<?x2x?x64xf32>, tensor<?x2x?x32xf32>
      -> tensor<?x8x?x32xf32>, tensor<?x8x?xf32>
  return %o, %lse : tensor<?x8x?x32xf32>, tensor<?x8x?xf32>
}
