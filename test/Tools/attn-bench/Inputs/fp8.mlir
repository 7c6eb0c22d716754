// FP8 E4M3 query, key and value with per-tensor scales and an f32 output:
// attn-bench rounds its random inputs to E4M3 and passes unit scales, so the
// f32 baseline reads exactly what the module dequantises.
func.func @main(%q: tensor<?x2x?x32xf8E4M3FN>, %k: tensor<?x2x?x32xf8E4M3FN>,
                %v: tensor<?x2x?x32xf8E4M3FN>, %scales: tensor<3xf32>)
    -> tensor<?x2x?x32xf32> {
  %o = attn.attention %q, %k, %v scales(%scales : tensor<3xf32>)
      : tensor<?x2x?x32xf8E4M3FN>, tensor<?x2x?x32xf8E4M3FN>,
        tensor<?x2x?x32xf8E4M3FN> -> tensor<?x2x?x32xf32>
  return %o : tensor<?x2x?x32xf32>
}
