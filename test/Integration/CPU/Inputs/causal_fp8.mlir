// causal on FP8 inputs with per-tensor scales and a bf16 output
// (check_variant.py causal_fp8 --module this file).
func.func @main(%q: tensor<?x4x?x64xf8E4M3FN>,
                %k: tensor<?x4x?x64xf8E4M3FN>,
                %v: tensor<?x4x?x64xf8E4M3FN>,
                %scales: tensor<3xf32>)
    -> tensor<?x4x?x64xbf16> {
  %o = attn.attention %q, %k, %v scales(%scales : tensor<3xf32>) {causal}
      : tensor<?x4x?x64xf8E4M3FN>, tensor<?x4x?x64xf8E4M3FN>,
        tensor<?x4x?x64xf8E4M3FN> -> tensor<?x4x?x64xbf16>
  return %o : tensor<?x4x?x64xbf16>
}
