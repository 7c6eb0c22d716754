// RUN: attn-opt %s --attn-tile --split-input-file --verify-diagnostics
// RUN: not attn-opt %s --attn-tile="key-tile=40 vector-width=16" 2>&1 | FileCheck %s --check-prefix=OPTS

// OPTS: key-tile a multiple of vector-width, but got 32, 40, 16

// Variants that the fused lowering does not implement yet are rejected with
// a diagnostic naming the feature, never lowered wrongly.

func.func @general(%q: tensor<1x2x8x16xf32>, %k: tensor<1x2x8x16xf32>,
                   %v: tensor<1x2x8x16xf32>, %w: tensor<16x16xf32>)
    -> tensor<1x2x8x16xf32> {
  // expected-error @+1 {{score 'general' is not supported by attn-tile yet}}
  %o = attn.attention %q, %k, %v score_operands(%w : tensor<16x16xf32>)
      {score = #attn.score<general>}
      : tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>
      -> tensor<1x2x8x16xf32>
  return %o : tensor<1x2x8x16xf32>
}

// -----

func.func @sigmoid(%q: tensor<1x2x8x16xf32>, %k: tensor<1x2x8x16xf32>,
                   %v: tensor<1x2x8x16xf32>) -> tensor<1x2x8x16xf32> {
  // expected-error @+1 {{normalizer 'sigmoid' is not supported by attn-tile yet}}
  %o = attn.attention %q, %k, %v {normalizer = #attn.normalizer<sigmoid>}
      : tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>
      -> tensor<1x2x8x16xf32>
  return %o : tensor<1x2x8x16xf32>
}

// -----

func.func @relative(%q: tensor<1x2x8x16xf32>, %k: tensor<1x2x8x16xf32>,
                    %v: tensor<1x2x8x16xf32>, %a: tensor<33x16xf32>)
    -> tensor<1x2x8x16xf32> {
  // expected-error @+1 {{positional operands are not supported by attn-tile yet}}
  %o = attn.attention %q, %k, %v
      position_operands(%a, %a : tensor<33x16xf32>, tensor<33x16xf32>)
      {relative_clip = 16 : i64}
      : tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>
      -> tensor<1x2x8x16xf32>
  return %o : tensor<1x2x8x16xf32>
}

// -----

// Region ops must be elementwise so they can run on a vector of keys.
func.func @non_elementwise_region(%q: tensor<1x2x8x16xf32>,
                                  %k: tensor<1x2x8x16xf32>,
                                  %v: tensor<1x2x8x16xf32>)
    -> tensor<1x2x8x16xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>
      -> tensor<1x2x8x16xf32>
      score_mod {
      ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
        // expected-error @+1 {{cannot be evaluated on vectors by attn-tile}}
        %t = tensor.from_elements %s : tensor<1xf32>
        %c0 = arith.constant 0 : index
        %e = tensor.extract %t[%c0] : tensor<1xf32>
        attn.yield %e : f32
      }
  return %o : tensor<1x2x8x16xf32>
}
