// Causal attention with a window, aligned top-left (query i sits at key
// position i): the compiled kernel's tile skipping against the BLAS
// baseline's visible ranges, with Sq != Skv both ways.
func.func @main(%q: tensor<?x2x?x64xf32>, %k: tensor<?x2x?x64xf32>,
                %v: tensor<?x2x?x64xf32>) -> tensor<?x2x?x64xf32> {
  %o = attn.attention %q, %k, %v
      {causal, window = array<i64: 40, 0>, align = #attn.align<top_left>}
      : tensor<?x2x?x64xf32>, tensor<?x2x?x64xf32>, tensor<?x2x?x64xf32>
      -> tensor<?x2x?x64xf32>
  return %o : tensor<?x2x?x64xf32>
}
