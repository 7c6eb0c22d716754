func.func @mmain(%u: tensor<?x64xf32>, %m: tensor<?x?x64xf32>,
           %c: tensor<?x?x64xf32>) -> tensor<?x64xf32> {
  %o = attn.memory_network %u, %m, %c {hops = 64}
      : tensor<?x64xf32>, tensor<?x?x64xf32>, tensor<?x?x64xf32>
      -> tensor<?x64xf32>
  return %o : tensor<?x64xf32>
}
