// hierarchical: hierarchical attention pooling, HAN without the RNNs
// (section D). Semantics: shared/VARIANTS.md, row `hierarchical`.
//
// Math (E = 64, A = 32): word-level feed_forward_pool over Nw for every
// sentence, then sentence-level feed_forward_pool over Ns:
//   s[b,n] = feed_forward_pool(x[b,n,:,:]; Ww, bw, uw)     [B,Ns,E]
//   y[b]   = feed_forward_pool(s[b,:,:];   Ws, bs, us)     [B,E]
//   feed_forward_pool(h; W, b, u) = sum_j softmax_j(u . tanh(h_j W + b)) h_j
// No new op: attn.feed_forward_pool pools the second-to-last axis of any
// [..., S, E], so the word level runs on x as it is ([B,Ns,Nw,E] ->
// [B,Ns,E]) and the sentence level on its result.
//
// Arguments of @main (B, Ns, Nw dynamic; E, A static):
//   x            [B,Ns,Nw,64] f32
//   Ww [64,32], bw [32], uw [32] f32     (word level)
//   Ws [64,32], bs [32], us [32] f32     (sentence level)
// Result:
//   y            [B,64] f32
//
// Run (inputs in the argument order, float32 .npy):
//   attn-run examples/variants/hierarchical.mlir --input=@x.npy \
//       --input=@ww.npy --input=@bw.npy --input=@uw.npy \
//       --input=@ws.npy --input=@bs.npy --input=@us.npy --output=@y.npy
// Check against the float64 reference:
//   python3 test/Integration/lib/check_variant.py hierarchical \
//       --B 2 --dim Ns=5 --dim Nw=17

func.func @main(%x: tensor<?x?x?x64xf32>,
                %ww: tensor<64x32xf32>, %bw: tensor<32xf32>,
                %uw: tensor<32xf32>,
                %ws: tensor<64x32xf32>, %bs: tensor<32xf32>,
                %us: tensor<32xf32>)
    -> tensor<?x64xf32> {
  %s = attn.feed_forward_pool %x, %ww, %bw, %uw
      : tensor<?x?x?x64xf32>, tensor<64x32xf32>, tensor<32xf32>,
        tensor<32xf32> -> tensor<?x?x64xf32>
  %y = attn.feed_forward_pool %s, %ws, %bs, %us
      : tensor<?x?x64xf32>, tensor<64x32xf32>, tensor<32xf32>,
        tensor<32xf32> -> tensor<?x64xf32>
  return %y : tensor<?x64xf32>
}
