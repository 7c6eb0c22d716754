func.func @resolved(%q: tensor<?x4x?x8xf32>, %k: tensor<2x4x5x8xf32>,
                    %v: tensor<?x4x?x8xf32>) -> tensor<?x4x?x8xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<?x4x?x8xf32>, tensor<2x4x5x8xf32>, tensor<?x4x?x8xf32>
      -> tensor<?x4x?x8xf32>
  return %o : tensor<?x4x?x8xf32>
}
func.func private @helper(%a: tensor<?xf32>) -> tensor<?xf32> {
  return %a : tensor<?xf32>
}
func.func private @external(f32)
