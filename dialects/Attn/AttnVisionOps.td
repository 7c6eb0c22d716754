//===- AttnVisionOps.td - attention over feature maps ------*- tablegen -*-===//
//
// Vision ops of shared/VARIANTS.md section E that attend over the positions
// or the channels of an NCHW feature map (non-local block, DANet channel
// attention) or resample it (spatial transformer). Each verifies its shapes
// and states its equal dimensions (DimRelationOpInterface, for the C ABI);
// `attn-decompose` rewrites it into `attn.attention` (where there is
// attention) plus linalg/tensor/arith/math.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_VISION_OPS_TD
#define ATTN_VISION_OPS_TD

include "AttnBase.td"
include "AttnInterfaces.td"
include "AttnStructureOps.td" // Attn_F32Tensor
include "mlir/Interfaces/SideEffectInterfaces.td"

class Attn_VisionOp<string mnemonic, list<Trait> traits = []>
    : Attn_Op<mnemonic, !listconcat(traits, [
        Pure, DeclareOpInterfaceMethods<Attn_DimRelationOpInterface>])> {
  let hasVerifier = 1;
}

def Attn_NonLocalOp : Attn_VisionOp<"non_local"> {
  let summary = "non-local block: dot-product attention over all positions";
  let description = [{
    The embedded-Gaussian non-local block (Wang et al., 2018) on an NCHW
    feature map, every position attending to every other one:

    ```
    x_p     = input[n, :, h, w]            p = h*W + w, C features
    theta_p = x_p w_theta,  phi_p = x_p w_phi,  g_p = x_p w_g     [Ci]
    f_pq    = softmax_q(theta_p . phi_q)   (no scaling)
    y_p     = sum_q f_pq g_q
    z_p     = y_p w_z + x_p                (residual)
    ```

    with `input : [N, C, H, W]`, `w_theta, w_phi, w_g : [C, Ci]`,
    `w_z : [Ci, C]` and `output : [N, C, H, W]`. `N`, `H` and `W` may be
    dynamic; `C` and `Ci` are static (the attention's head dimension is
    `Ci`). There are no biases.

    `attn-decompose` computes the three 1x1 projections as contractions
    that write `[N, 1, H*W, Ci]` (one head whose sequence is the positions),
    runs one fused `attn.attention` with `scale = 1.0` (the `HW x HW`
    affinity is never materialised), and one contraction that multiplies by
    `w_z` into a copy of the input (the residual).

    Example (C = 16, Ci = 8):

    ```mlir
    %z = attn.non_local %x, %wt, %wp, %wg, %wz
        : tensor<?x16x?x?xf32>, tensor<16x8xf32>, tensor<16x8xf32>,
          tensor<16x8xf32>, tensor<8x16xf32> -> tensor<?x16x?x?xf32>
    ```
  }];
  let arguments = (ins
    Attn_F32Tensor:$input,
    Attn_F32Tensor:$w_theta,
    Attn_F32Tensor:$w_phi,
    Attn_F32Tensor:$w_g,
    Attn_F32Tensor:$w_z
  );
  let results = (outs Attn_F32Tensor:$output);
  let assemblyFormat = [{
    $input `,` $w_theta `,` $w_phi `,` $w_g `,` $w_z attr-dict `:`
    type($input) `,` type($w_theta) `,` type($w_phi) `,` type($w_g) `,`
    type($w_z) `->` type($output)
  }];
  let extraClassDeclaration = [{
    /// The inner (embedding) width Ci: dimension 1 of w_theta.
    int64_t getInnerDim();
  }];
}

def Attn_ChannelSelfOp : Attn_VisionOp<"channel_self"> {
  let summary = "DANet channel attention: channels attend to channels";
  let description = [{
    The channel attention module of DANet (Fu et al., 2019):

    ```
    A = input[n] as [C, H*W]
    E = A A^T                                  [C, C]
    P = softmax_row(max_row(E) - E)
    y = gamma[0] * (P A) + A                   as [C, H, W]
    ```

    with `input : [N, C, H, W]`, `gamma : [1]` and `output : [N, C, H, W]`.
    `N` and `C` may be dynamic; `H` and `W` are static because `H*W` is the
    head dimension of the attention the op decomposes to.

    Softmax is invariant to a per-row shift, so `P = softmax_row(-E)`: the
    channels attend to each other with the negated affinity, which favours
    the *least* similar channels. `attn-decompose` emits one fused
    `attn.attention` with query `-A`, key and value `A` (each
    `[N, 1, C, H*W]`) and `scale = 1.0`, so `E` is never materialised, and
    one `linalg.generic` for `gamma * o + x`.

    Example (8x8 feature maps, any number of channels):

    ```mlir
    %y = attn.channel_self %x, %gamma
        : tensor<?x?x8x8xf32>, tensor<1xf32> -> tensor<?x?x8x8xf32>
    ```
  }];
  let arguments = (ins Attn_F32Tensor:$input, Attn_F32Tensor:$gamma);
  let results = (outs Attn_F32Tensor:$output);
  let assemblyFormat = [{
    $input `,` $gamma attr-dict `:` type($input) `,` type($gamma) `->`
    type($output)
  }];
}

def Attn_SpatialTransformerOp : Attn_VisionOp<"spatial_transformer"> {
  let summary = "affine grid and bilinear sampling of a feature map";
  let description = [{
    The sampler of a spatial transformer network (Jaderberg et al., 2015)
    with the semantics of PyTorch's `affine_grid` followed by `grid_sample`
    (`mode = bilinear`, `padding_mode = zeros`, `align_corners = false`).
    For every output pixel `(h, w)` of image `n`:

    ```
    xs = (2w + 1) / W - 1,   ys = (2h + 1) / H - 1     (pixel centres in [-1, 1])
    [gx, gy] = theta[n] [xs, ys, 1]^T
    ix = ((gx + 1) W - 1) / 2,   iy = ((gy + 1) H - 1) / 2
    output[n, c, h, w] = sum over the 4 integer neighbours (x', y') of (ix, iy):
        (1 - |ix - x'|) (1 - |iy - y'|) input[n, c, y', x']
    ```

    where a neighbour outside the image contributes zero. `input : [N, C,
    H, W]`, `theta : [N, 2, 3]` and `output : [N, C, H, W]`; `N`, `C`, `H`
    and `W` may be dynamic.

    `attn-decompose` lowers it to one `linalg.generic` over the output whose
    body computes the sampling point from `linalg.index` and reads the four
    neighbours with `tensor.extract` at clamped indices, weighted by zero
    when the neighbour is outside the image: no read is ever out of bounds.
    There is no attention to fuse.

    Example:

    ```mlir
    %y = attn.spatial_transformer %x, %theta
        : tensor<?x?x?x?xf32>, tensor<?x2x3xf32> -> tensor<?x?x?x?xf32>
    ```
  }];
  let arguments = (ins Attn_F32Tensor:$input, Attn_F32Tensor:$theta);
  let results = (outs Attn_F32Tensor:$output);
  let assemblyFormat = [{
    $input `,` $theta attr-dict `:` type($input) `,` type($theta) `->`
    type($output)
  }];
}

#endif // ATTN_VISION_OPS_TD
