// paged_decode: grouped-query decode over a paged key/value cache (an
// inference server's KV cache; docs/paged-kv.md).
// Semantics: shared/VARIANTS.md, rows `key_padding` and `gqa`, with the keys
// and values read through a block table.
//
// Math (Skv = P * 16 logical keys; key j of batch b is row j mod 16 of page
// table[b, j / 16] of the pools):
//   s_ij = (q_i . k_j) / sqrt(D)   (D = 64, so the scale is 0.125)
//   query head h reads key/value head h / 4 (Hq = 8, Hkv = 2)
//   visible iff j < len[b]  (len[b] may be 0: that batch outputs zeros)
//   P_ij = softmax over the visible j of s_ij,  o_i = sum_j P_ij v_j.
// Pages holding only keys at or past len[b] are never read: their table
// entries may hold anything. Every other entry must lie in [0, N).
//
// Arguments of @main (B, Sq, N, P dynamic; heads, page size and head dims
// static; decode is Sq = 1):
//   q       [B,8,Sq,64] f32
//   k_pages [N,2,16,64] f32   key page pool
//   v_pages [N,2,16,64] f32   value page pool
//   len     [B] i32           keys of each sequence
//   table   [B,P] i32         pages of each sequence, in key order
// Result:
//   o       [B,8,Sq,64] f32
// (attn.name gives the tensors and sizes of the C header these names.)
//
// Run:
//   attn-run examples/variants/paged_decode.mlir \
//       --input=@q.npy --input=@k_pages.npy --input=@v_pages.npy \
//       --input=@len.npy --input=@table.npy --output=@o.npy
// Check against the float64 reference:
//   python3 test/Integration/lib/check_paged.py --B 3 --Sq 1 --pages 5

func.func @main(%q: tensor<?x8x?x64xf32> {attn.name = "q"},
                %k_pages: tensor<?x2x16x64xf32> {attn.name = "k_pages"},
                %v_pages: tensor<?x2x16x64xf32> {attn.name = "v_pages"},
                %len: tensor<?xi32> {attn.name = "len"},
                %table: tensor<?x?xi32> {attn.name = "table"})
    -> (tensor<?x8x?x64xf32> {attn.name = "o"}) {
  %o = attn.attention %q, %k_pages, %v_pages key_lengths(%len : tensor<?xi32>)
      block_table(%table : tensor<?x?xi32>)
      : tensor<?x8x?x64xf32>, tensor<?x2x16x64xf32>, tensor<?x2x16x64xf32>
      -> tensor<?x8x?x64xf32>
  return %o : tensor<?x8x?x64xf32>
}
