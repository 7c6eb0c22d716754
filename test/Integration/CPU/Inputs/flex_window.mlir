// FlexAttention-style mask_mod that is not a named mask:
//   visible iff i' - j <= 20 and j <= i'
// written with arith ops (%i is the aligned query position i' = i + Skv - Sq,
// %j the key index, both global). Scaled dot scores.
// Reference: variant_specs.py, FLEX["flex_window"].
func.func @main(%q: tensor<?x4x?x64xf32>,
                %k: tensor<?x4x?x64xf32>,
                %v: tensor<?x4x?x64xf32>)
    -> tensor<?x4x?x64xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>
      -> tensor<?x4x?x64xf32>
      mask_mod {
      ^bb0(%b: index, %h: index, %i: index, %j: index):
        %c20 = arith.constant 20 : index
        %d = arith.subi %i, %j : index
        %near = arith.cmpi sle, %d, %c20 : index
        %past = arith.cmpi sle, %j, %i : index
        %ok = arith.andi %near, %past : i1
        attn.yield %ok : i1
      }
  return %o : tensor<?x4x?x64xf32>
}
