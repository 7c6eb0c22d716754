//===- AttnGateOps.td - gating modules on feature maps -----*- tablegen -*-===//
//
// Vision ops of shared/VARIANTS.md section E that pool an NCHW feature map,
// compute a small gate from the pooled values and rescale the map by it:
// squeeze-and-excitation, ECA, the CBAM spatial gate, CBAM, and selective
// kernel fusion. There is no attention matrix: `attn-decompose` rewrites
// each into linalg/tensor/arith/math with one read of the feature map for
// the pooling and one read-and-write for the rescale (CBAM reads it once
// more, for the spatial pooling).
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_GATE_OPS_TD
#define ATTN_GATE_OPS_TD

include "AttnBase.td"
include "AttnInterfaces.td"
include "AttnStructureOps.td" // Attn_F32Tensor
include "mlir/Interfaces/SideEffectInterfaces.td"

class Attn_GateOp<string mnemonic, list<Trait> traits = []>
    : Attn_Op<mnemonic, !listconcat(traits, [
        Pure, DeclareOpInterfaceMethods<Attn_DimRelationOpInterface>])> {
  let hasVerifier = 1;
}

def Attn_SqueezeExciteOp : Attn_GateOp<"squeeze_excite"> {
  let summary = "squeeze-and-excitation channel gate";
  let description = [{
    Squeeze-and-excitation (Hu et al., 2018) on an NCHW feature map:

    ```
    z[n,c]      = mean_{h,w} input[n,c,h,w]
    s           = sigmoid(relu(z w1 + b1) w2 + b2)           [N, C]
    output      = input[n,c,h,w] * s[n,c]
    ```

    with `input, output : [N, C, H, W]`, `w1 : [C, R]`, `b1 : [R]`,
    `w2 : [R, C]` and `b2 : [C]` (`R` is the reduced width, C / ratio).
    Any size may be dynamic; H * W must be at least 1.

    `attn-decompose` emits one `linalg.generic` that sums over H and W
    (one read of the input), the two small layers over `[N, R]` and
    `[N, C]`, and one `linalg.generic` that multiplies the input by the
    gate.

    Example (C = 64, R = 16):

    ```mlir
    %y = attn.squeeze_excite %x, %w1, %b1, %w2, %b2
        : tensor<?x64x?x?xf32>, tensor<64x16xf32>, tensor<16xf32>,
          tensor<16x64xf32>, tensor<64xf32> -> tensor<?x64x?x?xf32>
    ```
  }];
  let arguments = (ins
    Attn_F32Tensor:$input,
    Attn_F32Tensor:$w1,
    Attn_F32Tensor:$b1,
    Attn_F32Tensor:$w2,
    Attn_F32Tensor:$b2
  );
  let results = (outs Attn_F32Tensor:$output);
  let assemblyFormat = [{
    $input `,` $w1 `,` $b1 `,` $w2 `,` $b2 attr-dict `:` type($input) `,`
    type($w1) `,` type($b1) `,` type($w2) `,` type($b2) `->` type($output)
  }];
}

def Attn_EcaOp : Attn_GateOp<"eca"> {
  let summary = "efficient channel attention: a 1-D convolution over channels";
  let description = [{
    ECA (Wang et al., 2020): squeeze-and-excitation with the two layers
    replaced by one convolution of odd width K across the channels, zero
    padded:

    ```
    z[n,c]  = mean_{h,w} input[n,c,h,w]
    s[n,c]  = sigmoid(sum_{t<K} w[t] z[n, c + t - (K-1)/2])   (z = 0 outside)
    output  = input[n,c,h,w] * s[n,c]
    ```

    with `input, output : [N, C, H, W]` and `w : [K]`, K static and odd
    (VARIANTS.md fixes K = 3). `N`, `C`, `H` and `W` may be dynamic.

    `attn-decompose` emits the pooling (one read of the input), pads the
    means with (K-1)/2 zeros on each side of C, convolves, and rescales the
    input in one `linalg.generic`.

    Example:

    ```mlir
    %y = attn.eca %x, %w : tensor<?x64x?x?xf32>, tensor<3xf32>
        -> tensor<?x64x?x?xf32>
    ```
  }];
  let arguments = (ins Attn_F32Tensor:$input, Attn_F32Tensor:$w);
  let results = (outs Attn_F32Tensor:$output);
  let assemblyFormat = [{
    $input `,` $w attr-dict `:` type($input) `,` type($w) `->` type($output)
  }];
}

def Attn_SpatialGateOp : Attn_GateOp<"spatial_gate"> {
  let summary = "CBAM spatial attention: a gate per position";
  let description = [{
    The spatial attention module of CBAM (Woo et al., 2018), row `spatial`
    of VARIANTS.md:

    ```
    A[n,h,w] = mean_c input[n,c,h,w],   M[n,h,w] = max_c input[n,c,h,w]
    s[n,h,w] = sigmoid(bs[0] + sum_{i,j<K} ws[0,0,i,j] A[n, h+i-p, w+j-p]
                             + ws[0,1,i,j] M[n, h+i-p, w+j-p])
    output   = input[n,c,h,w] * s[n,h,w]
    ```

    a cross-correlation of `[A; M]` with padding `p = (K-1)/2` (zeros
    outside the map), with `input, output : [N, C, H, W]`,
    `ws : [1, 2, K, K]` (K static and odd; VARIANTS.md fixes K = 7) and
    `bs : [1]`. `N`, `C`, `H` and `W` may be dynamic.

    `attn-decompose` emits one `linalg.generic` that computes both channel
    statistics (two results, one read of the input), pads them by `p`, one
    convolution over `[N, H, W]`, the sigmoid, and one `linalg.generic`
    that rescales the input.

    Example:

    ```mlir
    %y = attn.spatial_gate %x, %ws, %bs
        : tensor<?x64x?x?xf32>, tensor<1x2x7x7xf32>, tensor<1xf32>
        -> tensor<?x64x?x?xf32>
    ```
  }];
  let arguments = (ins
    Attn_F32Tensor:$input,
    Attn_F32Tensor:$ws,
    Attn_F32Tensor:$bs
  );
  let results = (outs Attn_F32Tensor:$output);
  let assemblyFormat = [{
    $input `,` $ws `,` $bs attr-dict `:` type($input) `,` type($ws) `,`
    type($bs) `->` type($output)
  }];
}

def Attn_CbamOp : Attn_GateOp<"cbam"> {
  let summary = "CBAM: a channel gate, then a spatial gate";
  let description = [{
    The convolutional block attention module (Woo et al., 2018):

    ```
    mlp(z)   = relu(z w1 + b1) w2 + b2                         [N, C]
    s_c      = sigmoid(mlp(mean_{h,w} input) + mlp(max_{h,w} input))
    x'       = input[n,c,h,w] * s_c[n,c]
    output   = attn.spatial_gate(x', ws, bs)
    ```

    with `input, output : [N, C, H, W]`, `w1 : [C, R]`, `b1 : [R]`,
    `w2 : [R, C]`, `b2 : [C]` (shared by both branches, so `b2` counts
    twice), `ws : [1, 2, K, K]` (K static and odd) and `bs : [1]`.

    `attn-decompose` never materialises `x'`: one `linalg.generic` computes
    the mean and the max over H and W (two results, one read of the input),
    the shared MLP handles both, the spatial statistics are taken over
    `input * s_c` computed on the fly (second read), and the last
    `linalg.generic` writes `(input * s_c) * s` (third read).

    Example:

    ```mlir
    %y = attn.cbam %x, %w1, %b1, %w2, %b2, %ws, %bs
        : tensor<?x64x?x?xf32>, tensor<64x16xf32>, tensor<16xf32>,
          tensor<16x64xf32>, tensor<64xf32>, tensor<1x2x7x7xf32>,
          tensor<1xf32> -> tensor<?x64x?x?xf32>
    ```
  }];
  let arguments = (ins
    Attn_F32Tensor:$input,
    Attn_F32Tensor:$w1,
    Attn_F32Tensor:$b1,
    Attn_F32Tensor:$w2,
    Attn_F32Tensor:$b2,
    Attn_F32Tensor:$ws,
    Attn_F32Tensor:$bs
  );
  let results = (outs Attn_F32Tensor:$output);
  let assemblyFormat = [{
    $input `,` $w1 `,` $b1 `,` $w2 `,` $b2 `,` $ws `,` $bs attr-dict `:`
    type($input) `,` type($w1) `,` type($b1) `,` type($w2) `,` type($b2) `,`
    type($ws) `,` type($bs) `->` type($output)
  }];
}

def Attn_SelectiveKernelOp : Attn_GateOp<"selective_kernel"> {
  let summary = "selective kernel fusion of two branches";
  let description = [{
    The fuse-and-select step of selective kernel networks (Li et al.,
    2019): two feature maps of the same shape (e.g. 3x3 and 5x5 branches)
    are mixed per channel by a softmax over the two branches:

    ```
    z        = relu(mean_{h,w}(u1 + u2) wfc + bfc)             [N, Z]
    a = z wa,  b = z wb                                        [N, C]
    alpha    = e^a / (e^a + e^b),   beta = e^b / (e^a + e^b)
    output   = alpha[n,c] * u1[n,c,h,w] + beta[n,c] * u2[n,c,h,w]
    ```

    with `u1, u2, output : [N, C, H, W]`, `wfc : [C, Z]`, `bfc : [Z]` and
    `wa, wb : [Z, C]`. Any size may be dynamic.

    `attn-decompose` pools `u1 + u2` in one `linalg.generic` (one read of
    each branch), computes `a` and `b` in one contraction with two results,
    the branch weights as `sigmoid(a - b)` and `sigmoid(b - a)`, and mixes
    the branches in one `linalg.generic` (second read).

    Example (C = 64, Z = 32):

    ```mlir
    %y = attn.selective_kernel %u1, %u2, %wfc, %bfc, %wa, %wb
        : tensor<?x64x?x?xf32>, tensor<?x64x?x?xf32>, tensor<64x32xf32>,
          tensor<32xf32>, tensor<32x64xf32>, tensor<32x64xf32>
        -> tensor<?x64x?x?xf32>
    ```
  }];
  let arguments = (ins
    Attn_F32Tensor:$u1,
    Attn_F32Tensor:$u2,
    Attn_F32Tensor:$wfc,
    Attn_F32Tensor:$bfc,
    Attn_F32Tensor:$wa,
    Attn_F32Tensor:$wb
  );
  let results = (outs Attn_F32Tensor:$output);
  let assemblyFormat = [{
    $u1 `,` $u2 `,` $wfc `,` $bfc `,` $wa `,` $wb attr-dict `:` type($u1) `,`
    type($u2) `,` type($wfc) `,` type($bfc) `,` type($wa) `,` type($wb) `->`
    type($output)
  }];
}

#endif // ATTN_GATE_OPS_TD
