// encoder_layer: a pre-LN transformer encoder layer as one model graph
// (section D). Semantics: shared/VARIANTS.md, row `encoder_layer`.
//
// Math (E = 64, 8 heads of D = 8, F = 256):
//   LN(x; g, b) = (x - mean(x)) / sqrt(var(x) + 1e-5) * g + b
//                 (over E; biased variance: mean of the squared deviations)
//   y = x + multi_head(LN(x; g1, b1), same, Wq, Wk, Wv, Wo)
//   z = y + gelu(LN(y; g2, b2) W1 + c1) W2 + c2
//   gelu(v) = 0.5 v (1 + erf(v / sqrt(2)))          (exact, erf)
//
// This is not an op: it is the graph a frontend would emit, attn.multi_head
// for the attention and linalg/arith/math for the rest, and it compiles
// ahead of time as a whole (attn-compile, attn-run) like any variant.
// attn-decompose splits the multi_head; the linalg ops become loops after
// bufferization, and attn-approximate-math turns math.erf into a polynomial.
//
// Arguments of @main (B, S dynamic; E, F static):
//   x              [B,S,64] f32
//   g1, b1         [64] f32          (LayerNorm 1)
//   Wq, Wk, Wv, Wo [64,64] f32       (attention, no biases)
//   g2, b2         [64] f32          (LayerNorm 2)
//   W1 [64,256], c1 [256], W2 [256,64], c2 [64] f32   (feed-forward)
// Result:
//   z              [B,S,64] f32
//
// Run (inputs in the argument order, float32 .npy):
//   attn-run examples/variants/encoder_layer.mlir --input=@x.npy \
//       --input=@g1.npy --input=@b1.npy --input=@wq.npy --input=@wk.npy \
//       --input=@wv.npy --input=@wo.npy --input=@g2.npy --input=@b2.npy \
//       --input=@w1.npy --input=@c1.npy --input=@w2.npy --input=@c2.npy \
//       --output=@z.npy
// Check against the float64 reference:
//   python3 test/Integration/lib/check_variant.py encoder_layer \
//       --B 2 --Sq 33

#tok = affine_map<(b, s, e) -> (b, s, e)>
#row = affine_map<(b, s, e) -> (b, s)>
#feat = affine_map<(b, s, e) -> (e)>
// Projections [B,S,K] x [K,N]: loops (b, s, k, n).
#mm_in = affine_map<(b, s, k, n) -> (b, s, k)>
#mm_w = affine_map<(b, s, k, n) -> (k, n)>
#mm_out = affine_map<(b, s, k, n) -> (b, s, n)>

func.func @main(%x: tensor<?x?x64xf32>,
                %g1: tensor<64xf32>, %b1: tensor<64xf32>,
                %wq: tensor<64x64xf32>, %wk: tensor<64x64xf32>,
                %wv: tensor<64x64xf32>, %wo: tensor<64x64xf32>,
                %g2: tensor<64xf32>, %b2: tensor<64xf32>,
                %w1: tensor<64x256xf32>, %c1: tensor<256xf32>,
                %w2: tensor<256x64xf32>, %c2: tensor<64xf32>)
    -> tensor<?x?x64xf32> {
  %i0 = arith.constant 0 : index
  %i1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  %half = arith.constant 0.5 : f32
  %one = arith.constant 1.0 : f32
  %inv_e = arith.constant 0.015625 : f32            // 1/64
  %eps = arith.constant 1.0e-05 : f32
  %rsqrt2 = arith.constant 0.707106781186547524 : f32
  %B = tensor.dim %x, %i0 : tensor<?x?x64xf32>
  %S = tensor.dim %x, %i1 : tensor<?x?x64xf32>

  // ---- LN1(x): row sums, sums of squared deviations, normalise.
  %r0 = tensor.empty(%B, %S) : tensor<?x?xf32>
  %sum1_init = linalg.fill ins(%zero : f32) outs(%r0 : tensor<?x?xf32>) -> tensor<?x?xf32>
  %sum1 = linalg.generic {indexing_maps = [#tok, #row],
                          iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x : tensor<?x?x64xf32>) outs(%sum1_init : tensor<?x?xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %r = arith.addf %acc, %in : f32
    linalg.yield %r : f32
  } -> tensor<?x?xf32>
  %var1_init = linalg.fill ins(%zero : f32) outs(%r0 : tensor<?x?xf32>) -> tensor<?x?xf32>
  %var1 = linalg.generic {indexing_maps = [#tok, #row, #row],
                          iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %sum1 : tensor<?x?x64xf32>, tensor<?x?xf32>)
      outs(%var1_init : tensor<?x?xf32>) {
  ^bb0(%in: f32, %s: f32, %acc: f32):
    %mean = arith.mulf %s, %inv_e : f32
    %d = arith.subf %in, %mean : f32
    %d2 = arith.mulf %d, %d : f32
    %r = arith.addf %acc, %d2 : f32
    linalg.yield %r : f32
  } -> tensor<?x?xf32>
  %t0 = tensor.empty(%B, %S) : tensor<?x?x64xf32>
  %ln1 = linalg.generic {indexing_maps = [#tok, #row, #row, #feat, #feat, #tok],
                         iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x, %sum1, %var1, %g1, %b1
          : tensor<?x?x64xf32>, tensor<?x?xf32>, tensor<?x?xf32>,
            tensor<64xf32>, tensor<64xf32>)
      outs(%t0 : tensor<?x?x64xf32>) {
  ^bb0(%in: f32, %s: f32, %v: f32, %g: f32, %bb: f32, %out: f32):
    %mean = arith.mulf %s, %inv_e : f32
    %var = arith.mulf %v, %inv_e : f32
    %ve = arith.addf %var, %eps : f32
    %sd = math.sqrt %ve : f32
    %d = arith.subf %in, %mean : f32
    %n = arith.divf %d, %sd : f32
    %gn = arith.mulf %n, %g : f32
    %r = arith.addf %gn, %bb : f32
    linalg.yield %r : f32
  } -> tensor<?x?x64xf32>

  // ---- y = x + MHA(LN1(x)): self-attention, 8 heads.
  %attn = attn.multi_head %ln1, %ln1, %wq, %wk, %wv, %wo {num_heads = 8 : i64}
      : tensor<?x?x64xf32>, tensor<?x?x64xf32>, tensor<64x64xf32>,
        tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>
      -> tensor<?x?x64xf32>
  %t1 = tensor.empty(%B, %S) : tensor<?x?x64xf32>
  %y = linalg.generic {indexing_maps = [#tok, #tok, #tok],
                       iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x, %attn : tensor<?x?x64xf32>, tensor<?x?x64xf32>)
      outs(%t1 : tensor<?x?x64xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %r = arith.addf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<?x?x64xf32>

  // ---- LN2(y).
  %sum2_init = linalg.fill ins(%zero : f32) outs(%r0 : tensor<?x?xf32>) -> tensor<?x?xf32>
  %sum2 = linalg.generic {indexing_maps = [#tok, #row],
                          iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%y : tensor<?x?x64xf32>) outs(%sum2_init : tensor<?x?xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %r = arith.addf %acc, %in : f32
    linalg.yield %r : f32
  } -> tensor<?x?xf32>
  %var2_init = linalg.fill ins(%zero : f32) outs(%r0 : tensor<?x?xf32>) -> tensor<?x?xf32>
  %var2 = linalg.generic {indexing_maps = [#tok, #row, #row],
                          iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%y, %sum2 : tensor<?x?x64xf32>, tensor<?x?xf32>)
      outs(%var2_init : tensor<?x?xf32>) {
  ^bb0(%in: f32, %s: f32, %acc: f32):
    %mean = arith.mulf %s, %inv_e : f32
    %d = arith.subf %in, %mean : f32
    %d2 = arith.mulf %d, %d : f32
    %r = arith.addf %acc, %d2 : f32
    linalg.yield %r : f32
  } -> tensor<?x?xf32>
  %t2 = tensor.empty(%B, %S) : tensor<?x?x64xf32>
  %ln2 = linalg.generic {indexing_maps = [#tok, #row, #row, #feat, #feat, #tok],
                         iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%y, %sum2, %var2, %g2, %b2
          : tensor<?x?x64xf32>, tensor<?x?xf32>, tensor<?x?xf32>,
            tensor<64xf32>, tensor<64xf32>)
      outs(%t2 : tensor<?x?x64xf32>) {
  ^bb0(%in: f32, %s: f32, %v: f32, %g: f32, %bb: f32, %out: f32):
    %mean = arith.mulf %s, %inv_e : f32
    %var = arith.mulf %v, %inv_e : f32
    %ve = arith.addf %var, %eps : f32
    %sd = math.sqrt %ve : f32
    %d = arith.subf %in, %mean : f32
    %n = arith.divf %d, %sd : f32
    %gn = arith.mulf %n, %g : f32
    %r = arith.addf %gn, %bb : f32
    linalg.yield %r : f32
  } -> tensor<?x?x64xf32>

  // ---- Feed-forward: gelu(LN2(y) W1 + c1) W2 + c2.
  %f0 = tensor.empty(%B, %S) : tensor<?x?x256xf32>
  %h1_init = linalg.fill ins(%zero : f32) outs(%f0 : tensor<?x?x256xf32>) -> tensor<?x?x256xf32>
  %h1 = linalg.generic {indexing_maps = [#mm_in, #mm_w, #mm_out],
                        iterator_types = ["parallel", "parallel", "reduction", "parallel"]}
      ins(%ln2, %w1 : tensor<?x?x64xf32>, tensor<64x256xf32>)
      outs(%h1_init : tensor<?x?x256xf32>) {
  ^bb0(%a: f32, %w: f32, %acc: f32):
    %p = arith.mulf %a, %w : f32
    %r = arith.addf %acc, %p : f32
    linalg.yield %r : f32
  } -> tensor<?x?x256xf32>
  %f1 = tensor.empty(%B, %S) : tensor<?x?x256xf32>
  %act = linalg.generic {indexing_maps = [#tok, #feat, #tok],
                         iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%h1, %c1 : tensor<?x?x256xf32>, tensor<256xf32>)
      outs(%f1 : tensor<?x?x256xf32>) {
  ^bb0(%h: f32, %c: f32, %out: f32):
    %v = arith.addf %h, %c : f32
    %vs = arith.mulf %v, %rsqrt2 : f32
    %erf = math.erf %vs : f32
    %e1 = arith.addf %erf, %one : f32
    %hv = arith.mulf %v, %half : f32
    %r = arith.mulf %hv, %e1 : f32
    linalg.yield %r : f32
  } -> tensor<?x?x256xf32>
  %t3 = tensor.empty(%B, %S) : tensor<?x?x64xf32>
  %h2_init = linalg.fill ins(%zero : f32) outs(%t3 : tensor<?x?x64xf32>) -> tensor<?x?x64xf32>
  %h2 = linalg.generic {indexing_maps = [#mm_in, #mm_w, #mm_out],
                        iterator_types = ["parallel", "parallel", "reduction", "parallel"]}
      ins(%act, %w2 : tensor<?x?x256xf32>, tensor<256x64xf32>)
      outs(%h2_init : tensor<?x?x64xf32>) {
  ^bb0(%a: f32, %w: f32, %acc: f32):
    %p = arith.mulf %a, %w : f32
    %r = arith.addf %acc, %p : f32
    linalg.yield %r : f32
  } -> tensor<?x?x64xf32>

  // ---- z = y + FFN + c2.
  %t4 = tensor.empty(%B, %S) : tensor<?x?x64xf32>
  %z = linalg.generic {indexing_maps = [#tok, #tok, #feat, #tok],
                       iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%y, %h2, %c2 : tensor<?x?x64xf32>, tensor<?x?x64xf32>, tensor<64xf32>)
      outs(%t4 : tensor<?x?x64xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32, %out: f32):
    %s = arith.addf %a, %b : f32
    %r = arith.addf %s, %c : f32
    linalg.yield %r : f32
  } -> tensor<?x?x64xf32>
  return %z : tensor<?x?x64xf32>
}
