// The causal example of docs/lowering.md written FlexAttention-style, with a
// mask_mod region instead of the `causal` attribute. `attn-opt -canonicalize`
// turns it into examples/variants/causal.mlir.
func.func @main(%q: tensor<?x4x?x64xf32>,
                %k: tensor<?x4x?x64xf32>,
                %v: tensor<?x4x?x64xf32>)
    -> tensor<?x4x?x64xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>
      -> tensor<?x4x?x64xf32>
      mask_mod {
      ^bb0(%b: index, %h: index, %i: index, %j: index):
        %visible = arith.cmpi sle, %j, %i : index
        attn.yield %visible : i1
      }
  return %o : tensor<?x4x?x64xf32>
}
