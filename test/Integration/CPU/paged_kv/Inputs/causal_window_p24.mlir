// Paged prefill with 24-key pages (not a multiple of the default key tile),
// causal and a sliding window of 40 keys on the left, with key lengths and
// the lse result.
func.func @main(%q: tensor<?x8x?x64xf32>, %k_pages: tensor<?x2x24x64xf32>,
                %v_pages: tensor<?x2x24x64xf32>, %len: tensor<?xi32>,
                %table: tensor<?x?xi32>)
    -> (tensor<?x8x?x64xf32>, tensor<?x8x?xf32>) {
  %o, %lse = attn.attention %q, %k_pages, %v_pages
      key_lengths(%len : tensor<?xi32>) block_table(%table : tensor<?x?xi32>)
      {causal, window = array<i64: 40, 0>}
      : tensor<?x8x?x64xf32>, tensor<?x2x24x64xf32>, tensor<?x2x24x64xf32>
      -> tensor<?x8x?x64xf32>, tensor<?x8x?xf32>
  return %o, %lse : tensor<?x8x?x64xf32>, tensor<?x8x?xf32>
}
