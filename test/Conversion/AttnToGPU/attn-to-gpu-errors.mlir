// RUN: attn-opt %s --attn-to-gpu --split-input-file --verify-diagnostics
// RUN: not attn-opt %s --attn-to-gpu="query-tile=24" 2>&1 | FileCheck %s --check-prefix=OPTS
// RUN: not attn-opt %s --split-input-file --attn-to-gpu="shared-memory-bytes=1000" 2>&1 | FileCheck %s --check-prefix=SMEM

// OPTS: error: attn-to-gpu expects query-tile a multiple of 16 in [16, 256], key-tile a multiple of 16 in [16, 256] and positive shared-memory-bytes, but got 24, 64, 101376
// SMEM: error: 'attn.attention' op needs 4096 bytes of shared memory per CTA on the GPU (query-tile = 64, key-tile = 16, D = 16, Dv = 16), more than the chip's 1000; use a smaller query-tile

// What the GPU kernel does not compute yet is rejected by name, never
// lowered wrongly.

func.func @additive_dynamic_width(%q: tensor<1x2x8x16xf16>,
                                  %k: tensor<1x2x8x16xf16>,
                                  %v: tensor<1x2x8x16xf16>,
                                  %wq: tensor<16x?xf32>, %wk: tensor<16x?xf32>,
                                  %u: tensor<?xf32>)
    -> tensor<1x2x8x16xf16> {
  // expected-error @+1 {{is not supported by attn-to-gpu yet: additive scores with attention width A = ? (the GPU kernel needs a static A of at most 256)}}
  %o = attn.attention %q, %k, %v score_operands(%wq, %wk, %u
          : tensor<16x?xf32>, tensor<16x?xf32>, tensor<?xf32>)
      {score = #attn.score<additive>, scale = 1.0 : f32}
      : tensor<1x2x8x16xf16>, tensor<1x2x8x16xf16>, tensor<1x2x8x16xf16>
      -> tensor<1x2x8x16xf16>
  return %o : tensor<1x2x8x16xf16>
}

// -----

func.func @multi_dimensional_softcap(%q: tensor<1x2x8x16xf16>,
                                     %k: tensor<1x2x8x16xf16>,
                                     %v: tensor<1x2x8x16xf16>,
                                     %w1: tensor<16x16xf32>,
                                     %w2: tensor<16x16xf32>,
                                     %bias: tensor<16xf32>)
    -> tensor<1x2x8x16xf16> {
  // expected-error @+1 {{score 'multi_dimensional' with bias, alibi, softcap, score_mod or positional terms is not supported by attn-to-gpu}}
  %o = attn.attention %q, %k, %v score_operands(%w1, %w2, %bias
          : tensor<16x16xf32>, tensor<16x16xf32>, tensor<16xf32>)
      {score = #attn.score<multi_dimensional>, softcap = 5.0 : f32}
      : tensor<1x2x8x16xf16>, tensor<1x2x8x16xf16>, tensor<1x2x8x16xf16>
      -> tensor<1x2x8x16xf16>
  return %o : tensor<1x2x8x16xf16>
}

// -----

func.func @topk(%q: tensor<1x2x8x16xf16>, %k: tensor<1x2x8x16xf16>,
                %v: tensor<1x2x8x16xf16>) -> tensor<1x2x8x16xf16> {
  // expected-error @+1 {{is not supported by attn-to-gpu yet: top_k = 17 (the GPU kernel keeps at most 16 keys per row in registers)}}
  %o = attn.attention %q, %k, %v
      {normalizer = #attn.normalizer<topk>, top_k = 17 : i64}
      : tensor<1x2x8x16xf16>, tensor<1x2x8x16xf16>, tensor<1x2x8x16xf16>
      -> tensor<1x2x8x16xf16>
  return %o : tensor<1x2x8x16xf16>
}

// -----

func.func @relative_sigmoid(%q: tensor<1x2x8x16xf16>, %k: tensor<1x2x8x16xf16>,
                            %v: tensor<1x2x8x16xf16>, %ak: tensor<5x16xf32>,
                            %av: tensor<5x16xf32>) -> tensor<1x2x8x16xf16> {
  // expected-error @+1 {{is not supported by attn-to-gpu yet: positional terms (relative_clip, gaussian_window, grid_window) with normalizer 'sigmoid' (they need 'softmax')}}
  %o = attn.attention %q, %k, %v position_operands(%ak, %av
          : tensor<5x16xf32>, tensor<5x16xf32>)
      {relative_clip = 2 : i64, normalizer = #attn.normalizer<sigmoid>}
      : tensor<1x2x8x16xf16>, tensor<1x2x8x16xf16>, tensor<1x2x8x16xf16>
      -> tensor<1x2x8x16xf16>
  return %o : tensor<1x2x8x16xf16>
}

// -----

func.func @relative_cosine(%q: tensor<1x2x8x16xf16>, %k: tensor<1x2x8x16xf16>,
                           %v: tensor<1x2x8x16xf16>, %ak: tensor<5x16xf32>,
                           %av: tensor<5x16xf32>) -> tensor<1x2x8x16xf16> {
  // expected-error @+1 {{is not supported by attn-to-gpu yet: relative_clip with score 'cosine' (it needs 'dot')}}
  %o = attn.attention %q, %k, %v position_operands(%ak, %av
          : tensor<5x16xf32>, tensor<5x16xf32>)
      {relative_clip = 2 : i64, score = #attn.score<cosine>}
      : tensor<1x2x8x16xf16>, tensor<1x2x8x16xf16>, tensor<1x2x8x16xf16>
      -> tensor<1x2x8x16xf16>
  return %o : tensor<1x2x8x16xf16>
}

// -----

func.func @gaussian_none(%q: tensor<1x2x8x16xf16>, %k: tensor<1x2x8x16xf16>,
                         %v: tensor<1x2x8x16xf16>, %p: tensor<1x2x8xf32>)
    -> tensor<1x2x8x16xf16> {
  // expected-error @+1 {{is not supported by attn-to-gpu yet: positional terms (relative_clip, gaussian_window, grid_window) with normalizer 'none' (they need 'softmax')}}
  %o = attn.attention %q, %k, %v position_operands(%p : tensor<1x2x8xf32>)
      {gaussian_window = 2 : i64, gaussian_sigma = 1.0 : f32,
       normalizer = #attn.normalizer<none>}
      : tensor<1x2x8x16xf16>, tensor<1x2x8x16xf16>, tensor<1x2x8x16xf16>
      -> tensor<1x2x8x16xf16>
  return %o : tensor<1x2x8x16xf16>
}

// -----

func.func @head_dim(%q: tensor<1x2x8x264xf16>, %k: tensor<1x2x8x264xf16>,
                    %v: tensor<1x2x8x40xf16>) -> tensor<1x2x8x40xf16> {
  // expected-error @+1 {{is not supported by attn-to-gpu yet: head dims D = 264, Dv = 40 (at most 256)}}
  %o = attn.attention %q, %k, %v
      : tensor<1x2x8x264xf16>, tensor<1x2x8x264xf16>, tensor<1x2x8x40xf16>
      -> tensor<1x2x8x40xf16>
  return %o : tensor<1x2x8x40xf16>
}

// -----

func.func @small(%q: tensor<1x2x8x16xf16>, %k: tensor<1x2x8x16xf16>,
                 %v: tensor<1x2x8x16xf16>) -> tensor<1x2x8x16xf16> {
  %o = attn.attention %q, %k, %v
      : tensor<1x2x8x16xf16>, tensor<1x2x8x16xf16>, tensor<1x2x8x16xf16>
      -> tensor<1x2x8x16xf16>
  return %o : tensor<1x2x8x16xf16>
}

// -----

// f32 tiles take twice the bytes: at D = 256 even 16 keys need 130 KiB
// (rows padded to 260 elements).
func.func @f32_shared_memory(%q: tensor<1x2x8x256xf32>,
                             %k: tensor<1x2x8x256xf32>,
                             %v: tensor<1x2x8x256xf32>)
    -> tensor<1x2x8x256xf32> {
  // expected-error @+1 {{needs 133120 bytes of shared memory per CTA on the GPU (query-tile = 64, key-tile = 16, D = 256, Dv = 256), more than the chip's 101376; use a smaller query-tile}}
  %o = attn.attention %q, %k, %v
      : tensor<1x2x8x256xf32>, tensor<1x2x8x256xf32>, tensor<1x2x8x256xf32>
      -> tensor<1x2x8x256xf32>
  return %o : tensor<1x2x8x256xf32>
}

// -----

func.func @grid_window_sigmoid(%q: tensor<1x2x8x16xf16>,
                               %k: tensor<1x2x8x16xf16>,
                               %v: tensor<1x2x8x16xf16>, %w: index)
    -> tensor<1x2x8x16xf16> {
  // expected-error @+1 {{is not supported by attn-to-gpu yet: positional terms (relative_clip, gaussian_window, grid_window) with normalizer 'sigmoid' (they need 'softmax')}}
  %o = attn.attention %q, %k, %v grid_width(%w)
      {grid_window = array<i64: 1, 1>, normalizer = #attn.normalizer<sigmoid>}
      : tensor<1x2x8x16xf16>, tensor<1x2x8x16xf16>, tensor<1x2x8x16xf16>
      -> tensor<1x2x8x16xf16>
  return %o : tensor<1x2x8x16xf16>
}

// -----

func.func @grid_tables_cosine(%q: tensor<1x2x8x16xf16>,
                              %k: tensor<1x2x8x16xf16>,
                              %v: tensor<1x2x8x16xf16>, %w: index,
                              %rows: tensor<2x3x16xf32>,
                              %cols: tensor<2x3x16xf32>)
    -> tensor<1x2x8x16xf16> {
  // expected-error @+1 {{is not supported by attn-to-gpu yet: grid_window relative tables with score 'cosine' (they need 'dot')}}
  %o = attn.attention %q, %k, %v grid_width(%w)
      position_operands(%rows, %cols : tensor<2x3x16xf32>, tensor<2x3x16xf32>)
      {grid_window = array<i64: 1, 1>, score = #attn.score<cosine>}
      : tensor<1x2x8x16xf16>, tensor<1x2x8x16xf16>, tensor<1x2x8x16xf16>
      -> tensor<1x2x8x16xf16>
  return %o : tensor<1x2x8x16xf16>
}

// -----

// FP8 inputs are decoded by attn-dequantize before attn-to-gpu.
func.func @fp8_inputs(%q: tensor<1x4x8x16xf8E4M3FN>) -> tensor<1x4x8x16xbf16> {
  // expected-error @+1 {{is not supported by attn-to-gpu yet: 'f8E4M3FN' inputs (the GPU kernel takes f16, bf16 or f32; attn-dequantize decodes FP8 inputs)}}
  %o = attn.attention %q, %q, %q
      : tensor<1x4x8x16xf8E4M3FN>, tensor<1x4x8x16xf8E4M3FN>,
        tensor<1x4x8x16xf8E4M3FN> -> tensor<1x4x8x16xbf16>
  return %o : tensor<1x4x8x16xbf16>
}
