// RUN: attn-opt %s --split-input-file --verify-diagnostics --attn-tile
// RUN: attn-opt %s --split-input-file --verify-diagnostics --attn-lower-to-tiles

// Each (batch, head, query tile) work item owns scratch of static size:
// tiles times head dimensions, top_k slots, relative-position buckets.
// attn-tile measures it before emitting anything and rejects more than
// max-scratch-bytes (64 MiB by default), naming the sizes. These used to
// overflow the stack of an OpenMP thread at run time, or never finish
// lowering (head dimension 2^40).

func.func @head_dim_2_pow_40(%q: tensor<?x4x?x1099511627776xf32>,
                             %k: tensor<?x4x?x1099511627776xf32>,
                             %v: tensor<?x4x?x1099511627776xf32>)
    -> tensor<?x4x?x1099511627776xf32> {
  // expected-error @+1 {{bytes of scratch per (batch, head, query tile) work item, more than max-scratch-bytes = 67108864 (query-tile = 32, key-tile = 64, D = 1099511627776, Dv = 1099511627776; largest buffer 1099511627776x32xf32); use smaller tiles or sizes}}
  %o = attn.attention %q, %k, %v
      : tensor<?x4x?x1099511627776xf32>, tensor<?x4x?x1099511627776xf32>,
        tensor<?x4x?x1099511627776xf32> -> tensor<?x4x?x1099511627776xf32>
  return %o : tensor<?x4x?x1099511627776xf32>
}

// -----

// The measure saturates instead of wrapping around.
func.func @top_k_int64_max(%q: tensor<?x4x?x64xf32>, %k: tensor<?x4x?x64xf32>,
                           %v: tensor<?x4x?x64xf32>) -> tensor<?x4x?x64xf32> {
  // expected-error @+1 {{needs at least 2^64 bytes of scratch per (batch, head, query tile) work item, more than max-scratch-bytes = 67108864 (query-tile = 32, key-tile = 64, D = 64, Dv = 64, top_k = 9223372036854775807;}}
  %o = attn.attention %q, %k, %v
      {normalizer = #attn.normalizer<topk>, top_k = 9223372036854775807 : i64}
      : tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>
      -> tensor<?x4x?x64xf32>
  return %o : tensor<?x4x?x64xf32>
}

// -----

func.func @top_k_10_pow_12(%q: tensor<?x4x?x64xf32>, %k: tensor<?x4x?x64xf32>,
                           %v: tensor<?x4x?x64xf32>) -> tensor<?x4x?x64xf32> {
  // expected-error @+1 {{(query-tile = 32, key-tile = 64, D = 64, Dv = 64, top_k = 1000000000000; largest buffer 1000000000000x32xi64)}}
  %o = attn.attention %q, %k, %v
      {normalizer = #attn.normalizer<topk>, top_k = 1000000000000 : i64}
      : tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>
      -> tensor<?x4x?x64xf32>
  return %o : tensor<?x4x?x64xf32>
}

// -----

// Two [query tile, 2 * relative_clip + 1 + pads] bucket tables (it used to
// unroll over them too, and take minutes to compile).
func.func @relative_clip_10_pow_6(%q: tensor<?x4x?x64xf32>,
                                  %k: tensor<?x4x?x64xf32>,
                                  %v: tensor<?x4x?x64xf32>,
                                  %aK: tensor<2000001x64xf32>,
                                  %aV: tensor<2000001x64xf32>)
    -> tensor<?x4x?x64xf32> {
  // expected-error @+1 {{(query-tile = 32, key-tile = 64, D = 64, Dv = 64, relative_clip = 1000000; largest buffer 32x2000032xf32)}}
  %o = attn.attention %q, %k, %v position_operands(%aK, %aV
          : tensor<2000001x64xf32>, tensor<2000001x64xf32>)
      {relative_clip = 1000000 : i64}
      : tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>
      -> tensor<?x4x?x64xf32>
  return %o : tensor<?x4x?x64xf32>
}

// -----

// The attention width A of 'additive' sizes the projected query and key
// tiles.
func.func @additive_width_2_pow_30(%q: tensor<?x1x?x16xf32>,
                                   %k: tensor<?x1x?x16xf32>,
                                   %v: tensor<?x1x?x16xf32>,
                                   %wq: tensor<16x1073741824xf32>,
                                   %wk: tensor<16x1073741824xf32>,
                                   %va: tensor<1073741824xf32>)
    -> tensor<?x1x?x16xf32> {
  // expected-error @+1 {{(query-tile = 32, key-tile = 64, D = 16, Dv = 16, A = 1073741824; largest buffer 1073741824x64xf32)}}
  %o = attn.attention %q, %k, %v
      score_operands(%wq, %wk, %va : tensor<16x1073741824xf32>,
                     tensor<16x1073741824xf32>, tensor<1073741824xf32>)
      {score = #attn.score<additive>}
      : tensor<?x1x?x16xf32>, tensor<?x1x?x16xf32>, tensor<?x1x?x16xf32>
      -> tensor<?x1x?x16xf32>
  return %o : tensor<?x1x?x16xf32>
}

// -----

// The value dimension sizes the accumulators of multi_dimensional's
// per-feature softmax.
func.func @multi_dimensional_dv_2_pow_24(%q: tensor<?x1x?x16xf32>,
                                         %k: tensor<?x1x?x16xf32>,
                                         %v: tensor<?x1x?x16777216xf32>,
                                         %w1: tensor<16x16777216xf32>,
                                         %w2: tensor<16x16777216xf32>,
                                         %b: tensor<16777216xf32>)
    -> tensor<?x1x?x16777216xf32> {
  // expected-error @+1 {{(query-tile = 32, key-tile = 64, D = 16, Dv = 16777216; largest buffer 64x16777216xf32)}}
  %o = attn.attention %q, %k, %v
      score_operands(%w1, %w2, %b : tensor<16x16777216xf32>,
                     tensor<16x16777216xf32>, tensor<16777216xf32>)
      {score = #attn.score<multi_dimensional>, scale = 1.0 : f32}
      : tensor<?x1x?x16xf32>, tensor<?x1x?x16xf32>, tensor<?x1x?x16777216xf32>
      -> tensor<?x1x?x16777216xf32>
  return %o : tensor<?x1x?x16777216xf32>
}
