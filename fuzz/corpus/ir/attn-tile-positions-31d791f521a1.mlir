func.func @local_gaussian(%q: tensor<?x4x?x64xf32>, %k: tensor<?x4x?x64xf32>,
                          %v: tensor<?x4x?x64xf32>, %p: tensor<?x4x?xf32>)
    -> tensor<?x4x?x64xf32> {
  %o = attn.attention %q, %k, %v position_operands(%p : tensor<?x4x?xf32>)
      {gaussian_window = 8 : i64, gaussian_sigma = 4.0 : f32}
      : tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>
      -> tensor<?x4x?x64xf32>
  return %o : tensor<?x4x?x64xf32>
}
