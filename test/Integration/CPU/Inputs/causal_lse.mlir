// causal (examples/variants/causal.mlir) that also returns the log-sum-exp of
// every row: lse[b,h,i] = log(sum over visible j of exp(s_ij)), -inf for a
// row with no visible key (Sq > Skv). Checked by
//   check_variant.py causal --module causal_lse.mlir
// against reference.reference and reference.lse.
func.func @main(%q: tensor<?x4x?x64xf32>,
                %k: tensor<?x4x?x64xf32>,
                %v: tensor<?x4x?x64xf32>)
    -> (tensor<?x4x?x64xf32>, tensor<?x4x?xf32>) {
  %o, %lse = attn.attention %q, %k, %v {causal}
      : tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>
      -> tensor<?x4x?x64xf32>, tensor<?x4x?xf32>
  return %o, %lse : tensor<?x4x?x64xf32>, tensor<?x4x?xf32>
}
