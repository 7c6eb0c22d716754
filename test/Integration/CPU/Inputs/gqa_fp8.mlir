// gqa (8 query heads, 2 key/value heads) on FP8 inputs with per-tensor
// scales and a bf16 output (check_variant.py gqa_fp8 --module this file).
func.func @main(%q: tensor<?x8x?x64xf8E4M3FN>,
                %k: tensor<?x2x?x64xf8E4M3FN>,
                %v: tensor<?x2x?x64xf8E4M3FN>,
                %scales: tensor<3xf32>)
    -> tensor<?x8x?x64xbf16> {
  %o = attn.attention %q, %k, %v scales(%scales : tensor<3xf32>)
      : tensor<?x8x?x64xf8E4M3FN>, tensor<?x2x?x64xf8E4M3FN>,
        tensor<?x2x?x64xf8E4M3FN> -> tensor<?x8x?x64xbf16>
  return %o : tensor<?x8x?x64xbf16>
}
