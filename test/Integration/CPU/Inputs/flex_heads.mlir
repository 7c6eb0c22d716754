// Regions that read the batch and head indices:
//   visible iff (j + h + b) mod 3 != 0           (mask_mod)
//   s'_ij = s_ij * (1 + 0.5 h)                   (score_mod, a per-head
//                                                 temperature)
// Reference: variant_specs.py, FLEX["flex_heads"].
func.func @main(%q: tensor<?x4x?x64xf32>,
                %k: tensor<?x4x?x64xf32>,
                %v: tensor<?x4x?x64xf32>)
    -> tensor<?x4x?x64xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>
      -> tensor<?x4x?x64xf32>
      score_mod {
      ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
        %hi = arith.index_cast %h : index to i64
        %hf = arith.sitofp %hi : i64 to f32
        %half = arith.constant 0.5 : f32
        %one = arith.constant 1.0 : f32
        %m = arith.mulf %hf, %half : f32
        %t = arith.addf %m, %one : f32
        %r = arith.mulf %s, %t : f32
        attn.yield %r : f32
      }
      mask_mod {
      ^bb0(%b: index, %h: index, %i: index, %j: index):
        %c0 = arith.constant 0 : index
        %c3 = arith.constant 3 : index
        %jh = arith.addi %j, %h : index
        %jhb = arith.addi %jh, %b : index
        %r = arith.remui %jhb, %c3 : index
        %ok = arith.cmpi ne, %r, %c0 : index
        attn.yield %ok : i1
      }
  return %o : tensor<?x4x?x64xf32>
}
