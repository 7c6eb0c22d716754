// gumbel_heads: head selection by Gumbel sampling (section F).
// Semantics: shared/VARIANTS.md, row `gumbel_heads`.
//
// Math (E = 64, 8 heads of D = 8):
//   gamma_h = logits_h - log(-log u_h)
//   g_h     = 1 for the 4 heads of largest gamma (ties: lower h), else 0
//   y       = gated_heads(xq, xkv, Wq, Wk, Wv, Wo, g)
//           = concat_h(g_h O_h) Wo,  O_h = softmax((Q_h K_h^T)/sqrt(D)) V_h
//
// This is not an op: it is the graph a frontend would emit. With gates of
// 0 and 1, gating is selection: the 4 kept heads' columns of Wq, Wk, Wv
// and rows of Wo are gathered first (sel[k] = the head of rank k), so the
// projections, the fused attention and the output projection run on 4
// heads only. A head whose gate is 0 costs nothing: its projections and
// its attention are never computed (gated_heads, whose gates are real
// numbers, computes every head and scales in the output projection).
//   rank_h = #{h' : gamma_h' > gamma_h, or gamma_h' = gamma_h and h' < h}
//   sel[k] = the h with rank_h = k                      k < 4
//   Q [B,4,Sq,8] = xq Wq[:, sel],  K, V likewise from xkv
//   O = attn.attention Q, K, V (scaled dot, fused)
//   y = sum_{k,d} O[b,k,s,d] Wo[sel[k]*8 + d, :]
//
// Arguments of @main (B, Sq, Skv dynamic; E static):
//   xq     [B,Sq,64] f32
//   xkv    [B,Skv,64] f32
//   Wq, Wk, Wv, Wo [64,64] f32
//   logits [8] f32
//   u      [8] f32   (in (0, 1))
// Result:
//   y      [B,Sq,64] f32
//
// Run (inputs in the argument order, float32 .npy):
//   attn-run examples/variants/gumbel_heads.mlir \
//       --input=@xq.npy --input=@xkv.npy --input=@wq.npy --input=@wk.npy \
//       --input=@wv.npy --input=@wo.npy --input=@logits.npy --input=@u.npy \
//       --output=@y.npy
// Check against the float64 reference:
//   python3 test/Integration/lib/check_variant.py gumbel_heads \
//       --B 2 --Sq 33 --Skv 65

#h = affine_map<(h) -> (h)>
// Ranks: loops (h, h2).
#r_h = affine_map<(h, h2) -> (h)>
#r_h2 = affine_map<(h, h2) -> (h2)>
// Selected heads: loops (k, h).
#s_k = affine_map<(k, h) -> (k)>
#s_h = affine_map<(k, h) -> (h)>
// Gathered projections [E,4,D]: loops (e, k, d); Wo [4,D,E]: (k, d, f).
#gq = affine_map<(e, k, d) -> (e, k, d)>
#gq_k = affine_map<(e, k, d) -> (k)>
#go = affine_map<(k, d, f) -> (k, d, f)>
#go_k = affine_map<(k, d, f) -> (k)>
// Projections x [B,S,E] . W [E,4,D] -> [B,4,S,D]: loops (b, k, s, e, d).
#p_x = affine_map<(b, k, s, e, d) -> (b, s, e)>
#p_w = affine_map<(b, k, s, e, d) -> (e, k, d)>
#p_out = affine_map<(b, k, s, e, d) -> (b, k, s, d)>
// Output projection O [B,4,Sq,D] . Wo [4,D,E]: loops (b, s, k, d, f).
#o_o = affine_map<(b, s, k, d, f) -> (b, k, s, d)>
#o_w = affine_map<(b, s, k, d, f) -> (k, d, f)>
#o_out = affine_map<(b, s, k, d, f) -> (b, s, f)>

func.func @main(%xq: tensor<?x?x64xf32>, %xkv: tensor<?x?x64xf32>,
                %wq: tensor<64x64xf32>, %wk: tensor<64x64xf32>,
                %wv: tensor<64x64xf32>, %wo: tensor<64x64xf32>,
                %logits: tensor<8xf32>, %u: tensor<8xf32>)
    -> tensor<?x?x64xf32> {
  %i0 = arith.constant 0 : index
  %i1 = arith.constant 1 : index
  %i8 = arith.constant 8 : index
  %zero = arith.constant 0.0 : f32
  %B = tensor.dim %xq, %i0 : tensor<?x?x64xf32>
  %Sq = tensor.dim %xq, %i1 : tensor<?x?x64xf32>
  %Skv = tensor.dim %xkv, %i1 : tensor<?x?x64xf32>

  // ---- gamma_h = logits_h - log(-log u_h).
  %g0 = tensor.empty() : tensor<8xf32>
  %gamma = linalg.generic {indexing_maps = [#h, #h, #h],
      iterator_types = ["parallel"]}
      ins(%logits, %u : tensor<8xf32>, tensor<8xf32>)
      outs(%g0 : tensor<8xf32>) {
  ^bb0(%l: f32, %uv: f32, %o: f32):
    %lu = math.log %uv : f32
    %nlu = arith.negf %lu : f32
    %llu = math.log %nlu : f32
    %r = arith.subf %l, %llu : f32
    linalg.yield %r : f32
  } -> tensor<8xf32>

  // ---- rank_h: how many heads come before h (larger gamma, or equal
  // gamma and a lower index).
  %r0 = tensor.empty() : tensor<8xindex>
  %rank_init = linalg.fill ins(%i0 : index) outs(%r0 : tensor<8xindex>)
      -> tensor<8xindex>
  %rank = linalg.generic {indexing_maps = [#r_h, #r_h2, #r_h],
      iterator_types = ["parallel", "reduction"]}
      ins(%gamma, %gamma : tensor<8xf32>, tensor<8xf32>)
      outs(%rank_init : tensor<8xindex>) {
  ^bb0(%gh: f32, %gh2: f32, %acc: index):
    %h = linalg.index 0 : index
    %h2 = linalg.index 1 : index
    %gt = arith.cmpf ogt, %gh2, %gh : f32
    %eq = arith.cmpf oeq, %gh2, %gh : f32
    %lower = arith.cmpi ult, %h2, %h : index
    %tie = arith.andi %eq, %lower : i1
    %before = arith.ori %gt, %tie : i1
    %one = arith.select %before, %i1, %i0 : index
    %r = arith.addi %acc, %one : index
    linalg.yield %r : index
  } -> tensor<8xindex>

  // ---- sel[k] = the head of rank k, k < 4 (the kept heads).
  %s0 = tensor.empty() : tensor<4xindex>
  %sel_init = linalg.fill ins(%i0 : index) outs(%s0 : tensor<4xindex>)
      -> tensor<4xindex>
  %sel = linalg.generic {indexing_maps = [#s_h, #s_k],
      iterator_types = ["parallel", "reduction"]}
      ins(%rank : tensor<8xindex>) outs(%sel_init : tensor<4xindex>) {
  ^bb0(%rk: index, %acc: index):
    %k = linalg.index 0 : index
    %h = linalg.index 1 : index
    %is = arith.cmpi eq, %rk, %k : index
    %r = arith.select %is, %h, %acc : index
    linalg.yield %r : index
  } -> tensor<4xindex>

  // ---- The kept heads' weights: W[:, sel[k]*8 + d] as [E,4,D], and
  // Wo[sel[k]*8 + d, :] as [4,D,E].
  %w0 = tensor.empty() : tensor<64x4x8xf32>
  %wq_s = linalg.generic {indexing_maps = [#gq_k, #gq],
      iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%sel : tensor<4xindex>) outs(%w0 : tensor<64x4x8xf32>) {
  ^bb0(%hd: index, %o: f32):
    %e = linalg.index 0 : index
    %d = linalg.index 2 : index
    %base = arith.muli %hd, %i8 : index
    %col = arith.addi %base, %d : index
    %v = tensor.extract %wq[%e, %col] : tensor<64x64xf32>
    linalg.yield %v : f32
  } -> tensor<64x4x8xf32>
  %wk_s = linalg.generic {indexing_maps = [#gq_k, #gq],
      iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%sel : tensor<4xindex>) outs(%w0 : tensor<64x4x8xf32>) {
  ^bb0(%hd: index, %o: f32):
    %e = linalg.index 0 : index
    %d = linalg.index 2 : index
    %base = arith.muli %hd, %i8 : index
    %col = arith.addi %base, %d : index
    %v = tensor.extract %wk[%e, %col] : tensor<64x64xf32>
    linalg.yield %v : f32
  } -> tensor<64x4x8xf32>
  %wv_s = linalg.generic {indexing_maps = [#gq_k, #gq],
      iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%sel : tensor<4xindex>) outs(%w0 : tensor<64x4x8xf32>) {
  ^bb0(%hd: index, %o: f32):
    %e = linalg.index 0 : index
    %d = linalg.index 2 : index
    %base = arith.muli %hd, %i8 : index
    %col = arith.addi %base, %d : index
    %v = tensor.extract %wv[%e, %col] : tensor<64x64xf32>
    linalg.yield %v : f32
  } -> tensor<64x4x8xf32>
  %o0 = tensor.empty() : tensor<4x8x64xf32>
  %wo_s = linalg.generic {indexing_maps = [#go_k, #go],
      iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%sel : tensor<4xindex>) outs(%o0 : tensor<4x8x64xf32>) {
  ^bb0(%hd: index, %o: f32):
    %d = linalg.index 1 : index
    %f = linalg.index 2 : index
    %base = arith.muli %hd, %i8 : index
    %row = arith.addi %base, %d : index
    %v = tensor.extract %wo[%row, %f] : tensor<64x64xf32>
    linalg.yield %v : f32
  } -> tensor<4x8x64xf32>

  // ---- Projections of the kept heads, written as [B,4,S,D].
  %q0 = tensor.empty(%B, %Sq) : tensor<?x4x?x8xf32>
  %q_init = linalg.fill ins(%zero : f32) outs(%q0 : tensor<?x4x?x8xf32>)
      -> tensor<?x4x?x8xf32>
  %q = linalg.generic {indexing_maps = [#p_x, #p_w, #p_out],
      iterator_types = ["parallel", "parallel", "parallel", "reduction",
                        "parallel"]}
      ins(%xq, %wq_s : tensor<?x?x64xf32>, tensor<64x4x8xf32>)
      outs(%q_init : tensor<?x4x?x8xf32>) {
  ^bb0(%a: f32, %w: f32, %acc: f32):
    %m = arith.mulf %a, %w : f32
    %r = arith.addf %acc, %m : f32
    linalg.yield %r : f32
  } -> tensor<?x4x?x8xf32>
  %kv0 = tensor.empty(%B, %Skv) : tensor<?x4x?x8xf32>
  %kv_init = linalg.fill ins(%zero : f32) outs(%kv0 : tensor<?x4x?x8xf32>)
      -> tensor<?x4x?x8xf32>
  %k = linalg.generic {indexing_maps = [#p_x, #p_w, #p_out],
      iterator_types = ["parallel", "parallel", "parallel", "reduction",
                        "parallel"]}
      ins(%xkv, %wk_s : tensor<?x?x64xf32>, tensor<64x4x8xf32>)
      outs(%kv_init : tensor<?x4x?x8xf32>) {
  ^bb0(%a: f32, %w: f32, %acc: f32):
    %m = arith.mulf %a, %w : f32
    %r = arith.addf %acc, %m : f32
    linalg.yield %r : f32
  } -> tensor<?x4x?x8xf32>
  %v = linalg.generic {indexing_maps = [#p_x, #p_w, #p_out],
      iterator_types = ["parallel", "parallel", "parallel", "reduction",
                        "parallel"]}
      ins(%xkv, %wv_s : tensor<?x?x64xf32>, tensor<64x4x8xf32>)
      outs(%kv_init : tensor<?x4x?x8xf32>) {
  ^bb0(%a: f32, %w: f32, %acc: f32):
    %m = arith.mulf %a, %w : f32
    %r = arith.addf %acc, %m : f32
    linalg.yield %r : f32
  } -> tensor<?x4x?x8xf32>

  // ---- The 4 kept heads' attention, fused (scale 1/sqrt(8)).
  %o = attn.attention %q, %k, %v
      : tensor<?x4x?x8xf32>, tensor<?x4x?x8xf32>, tensor<?x4x?x8xf32>
      -> tensor<?x4x?x8xf32>

  // ---- y = concat_k(O_k) Wo[sel rows] (gate 1 on every kept head).
  %y0 = tensor.empty(%B, %Sq) : tensor<?x?x64xf32>
  %y_init = linalg.fill ins(%zero : f32) outs(%y0 : tensor<?x?x64xf32>)
      -> tensor<?x?x64xf32>
  %y = linalg.generic {indexing_maps = [#o_o, #o_w, #o_out],
      iterator_types = ["parallel", "parallel", "reduction", "reduction",
                        "parallel"]}
      ins(%o, %wo_s : tensor<?x4x?x8xf32>, tensor<4x8x64xf32>)
      outs(%y_init : tensor<?x?x64xf32>) {
  ^bb0(%a: f32, %w: f32, %acc: f32):
    %m = arith.mulf %a, %w : f32
    %r = arith.addf %acc, %m : f32
    linalg.yield %r : f32
  } -> tensor<?x?x64xf32>
  return %y : tensor<?x?x64xf32>
}
