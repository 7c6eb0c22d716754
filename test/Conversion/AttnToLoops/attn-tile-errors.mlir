// RUN: attn-opt %s --attn-tile --split-input-file --verify-diagnostics
// RUN: not attn-opt %s --attn-tile="key-tile=40 vector-width=16" 2>&1 | FileCheck %s --check-prefix=OPTS

// RUN: not attn-opt %s --attn-tile="key-tile=128 vector-width=128" 2>&1 | FileCheck %s --check-prefix=WIDTH
// RUN: not attn-opt %s --attn-tile="key-tile=2048" 2>&1 | FileCheck %s --check-prefix=KEYS
// RUN: not attn-opt %s --attn-tile="stack-scratch-bytes=-1" 2>&1 | FileCheck %s --check-prefix=BYTES
// RUN: not attn-opt %s --attn-tile="query-tile=-1" 2>&1 | FileCheck %s --check-prefix=NEGTILE

// OPTS: key-tile a multiple of vector-width, but got 32, 40, 16, 1048576
// NEGTILE: error: attn-tile expects non-negative query-tile and key-tile (0: chosen by the cost model), positive vector-width and l2-cache-bytes, with key-tile a multiple of vector-width, but got -1, 64, 16, 1048576

// The lanes of a vector and the vector chunks of a key tile are unrolled in
// the tile body; the tile sizes' scratch is bounded per op
// (test/Robustness/scratch-limits.mlir).
// WIDTH: error: attn-tile expects vector-width <= 64, but got 128
// KEYS: error: attn-tile unrolls key-tile / vector-width = 128 vector chunks per row, more than 64; with vector-width = 16 key-tile must be at most 1024, but got 2048
// BYTES: error: attn-tile expects non-negative stack-scratch-bytes and max-scratch-bytes, but got -1, 67108864

// Every score, normaliser and positional term of the dialect is lowered;
// the combinations below are not, and are rejected with a diagnostic naming
// them, never lowered wrongly.

// multi_dimensional has one softmax per value feature: no scalar score for
// bias, ALiBi, softcap, score_mod or positions to change.
func.func @multi_dimensional_softcap(%q: tensor<1x2x8x16xf32>,
                                     %k: tensor<1x2x8x16xf32>,
                                     %v: tensor<1x2x8x16xf32>,
                                     %w: tensor<16x16xf32>, %b: tensor<16xf32>)
    -> tensor<1x2x8x16xf32> {
  // expected-error @+1 {{score 'multi_dimensional' with bias, alibi, softcap, score_mod or positional terms is not supported by attn-tile}}
  %o = attn.attention %q, %k, %v
      score_operands(%w, %w, %b
          : tensor<16x16xf32>, tensor<16x16xf32>, tensor<16xf32>)
      {score = #attn.score<multi_dimensional>, softcap = 5.0 : f32}
      : tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>
      -> tensor<1x2x8x16xf32>
  return %o : tensor<1x2x8x16xf32>
}

// -----

// Its softmax has no running max, which bounds the scale.
func.func @multi_dimensional_scale(%q: tensor<1x2x8x16xf32>,
                                   %k: tensor<1x2x8x16xf32>,
                                   %v: tensor<1x2x8x16xf32>,
                                   %w: tensor<16x16xf32>, %b: tensor<16xf32>)
    -> tensor<1x2x8x16xf32> {
  // expected-error @+1 {{score 'multi_dimensional' is lowered without a running max, which needs scale <= 40, but got 5.000000e+01}}
  %o = attn.attention %q, %k, %v
      score_operands(%w, %w, %b
          : tensor<16x16xf32>, tensor<16x16xf32>, tensor<16xf32>)
      {score = #attn.score<multi_dimensional>, scale = 50.0 : f32}
      : tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>
      -> tensor<1x2x8x16xf32>
  return %o : tensor<1x2x8x16xf32>
}

// -----

// Positional terms hook into the softmax (bucket weights, Gaussian factor).
func.func @relative_sigmoid(%q: tensor<1x2x8x16xf32>, %k: tensor<1x2x8x16xf32>,
                            %v: tensor<1x2x8x16xf32>, %a: tensor<33x16xf32>)
    -> tensor<1x2x8x16xf32> {
  // expected-error @+1 {{positional terms (relative_clip, gaussian_window, grid_window) with normalizer 'sigmoid' are not supported by attn-tile; they need 'softmax'}}
  %o = attn.attention %q, %k, %v
      position_operands(%a, %a : tensor<33x16xf32>, tensor<33x16xf32>)
      {relative_clip = 16 : i64, normalizer = #attn.normalizer<sigmoid>}
      : tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>
      -> tensor<1x2x8x16xf32>
  return %o : tensor<1x2x8x16xf32>
}

// -----

// The key-side table enters as q . aK_r, which is defined for dot scores.
func.func @relative_general(%q: tensor<1x2x8x16xf32>, %k: tensor<1x2x8x16xf32>,
                            %v: tensor<1x2x8x16xf32>, %w: tensor<16x16xf32>,
                            %a: tensor<33x16xf32>) -> tensor<1x2x8x16xf32> {
  // expected-error @+1 {{relative_clip with score 'general' is not supported by attn-tile; it needs score 'dot'}}
  %o = attn.attention %q, %k, %v score_operands(%w : tensor<16x16xf32>)
      position_operands(%a, %a : tensor<33x16xf32>, tensor<33x16xf32>)
      {relative_clip = 16 : i64, score = #attn.score<general>}
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
        %d = index.sub %i, %j
        %c = arith.index_cast %d : index to i64
        %f = arith.sitofp %c : i64 to f32
        %e = arith.addf %s, %f : f32
        attn.yield %e : f32
      }
  return %o : tensor<1x2x8x16xf32>
}

// -----

// grid_window's relative tables enter as q . rows and q . cols, defined for
// dot scores.
func.func @grid_tables_cosine(%q: tensor<1x4x8x4xf32>, %k: tensor<1x4x8x4xf32>,
                              %v: tensor<1x4x8x4xf32>, %w: index,
                              %t: tensor<4x3x4xf32>) -> tensor<1x4x8x4xf32> {
  // expected-error @+1 {{grid_window relative tables with score 'cosine' are not supported by attn-tile; they need score 'dot'}}
  %o = attn.attention %q, %k, %v grid_width(%w)
      position_operands(%t, %t : tensor<4x3x4xf32>, tensor<4x3x4xf32>)
      {grid_window = array<i64: 1, 1>, score = #attn.score<cosine>}
      : tensor<1x4x8x4xf32>, tensor<1x4x8x4xf32>, tensor<1x4x8x4xf32>
      -> tensor<1x4x8x4xf32>
  return %o : tensor<1x4x8x4xf32>
}

// -----

// FP8 inputs are decoded by attn-dequantize before the fused nest.
func.func @fp8_inputs(%q: tensor<1x4x8x16xf8E4M3FN>) -> tensor<1x4x8x16xbf16> {
  // expected-error @+1 {{f8E4M3FN inputs are not supported by attn-tile; attn-dequantize decodes them first}}
  %o = attn.attention %q, %q, %q
      : tensor<1x4x8x16xf8E4M3FN>, tensor<1x4x8x16xf8E4M3FN>,
        tensor<1x4x8x16xf8E4M3FN> -> tensor<1x4x8x16xbf16>
  return %o : tensor<1x4x8x16xbf16>
}
