func.func @selective_kernel_dynamic(%u1: tensor<?x?x?x?xf32>, %u2: tensor<?x?x?x?xf32>,
                                    %wfc: tensor<?x?xf32>, %bfc: tensor<?xf32>,
                                    %wa: tensor<?x?xf32>, %wb: tensor<?x?xf32>)
    -> tensor<?x?x?x?xf32> {
  %y = attn.selective_kernel %u1, %u2, %wfc, %bfc, %wa, %wb
      : tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>, tensor<?x?xf32>,
        tensor<?xf32>, tensor<?x?xf32>, tensor<?x?xf32>
      -> tensor<?x?x?x?xf32>
  return %y : tensor<?x?x?x?xf32>
}
