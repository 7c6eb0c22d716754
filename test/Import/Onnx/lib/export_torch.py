"""Exports PyTorch modules with torch.onnx.export into ONNX's test layout:

  OUTDIR/NAME/model.onnx
  OUTDIR/NAME/test_data_set_K/input_I.pb, output_0.pb

The expected outputs come from the same module run by PyTorch in float64
(module.double() on the float32 inputs widened), so they are an independent
reference for the compiled model. Every model has a dynamic batch and
sequence length (the channel gates a dynamic batch, height and width), and
each data set uses other sizes.

  export_torch.py OUTDIR [NAME ...]     (default: every model)

The files under test/Import/Onnx/Inputs/torch were made with Debian 12's
python3-torch (1.13) by this script; check-attn runs them without PyTorch.
torch-export.test re-exports them where PyTorch is installed.
"""

import os
import sys
import warnings

import numpy as np
import torch
from onnx import numpy_helper
from torch import nn

E, HEADS, FFN = 32, 4, 64
# Channels of the channel gates' feature maps and the SE reduction.
CHANNELS, REDUCTION = 16, 4
# (batch, sequence, memory length) of each data set, and (batch, height,
# width) of the feature maps (small: the files are checked in).
SIZES = [(2, 10, 7), (1, 37, 70)]
IMAGE_SIZES = [(2, 5, 7), (1, 3, 1)]


def randomise(module, gen, amplitude=0.3):
    """Gives every parameter random values in [-amplitude, amplitude),
    LayerNorm's scales around 1, so no weight is the identity or zero."""
    def uniform(shape):
        return (torch.rand(shape, generator=gen) * 2 - 1) * amplitude

    with torch.no_grad():
        for name, p in module.named_parameters():
            p.copy_(uniform(p.shape))
        for m in module.modules():
            if isinstance(m, nn.LayerNorm):
                m.weight.add_(1.0)


class SelfAttention(nn.Module):
    """nn.MultiheadAttention on one input, no mask."""

    def __init__(self):
        super().__init__()
        self.mha = nn.MultiheadAttention(E, HEADS, batch_first=True)

    def forward(self, x):
        return self.mha(x, x, x, need_weights=False)[0]


class CrossAttention(nn.Module):
    """nn.MultiheadAttention with keys and values from a memory of another
    length."""

    def __init__(self):
        super().__init__()
        self.mha = nn.MultiheadAttention(E, HEADS, batch_first=True)

    def forward(self, x, memory):
        return self.mha(x, memory, memory, need_weights=False)[0]


class CausalSelfAttention(nn.Module):
    """nn.MultiheadAttention with the float causal mask PyTorch users build
    (nn.Transformer.generate_square_subsequent_mask's -inf above the
    diagonal), sized from the input: exported as ConstantOfShape + Trilu."""

    def __init__(self):
        super().__init__()
        self.mha = nn.MultiheadAttention(E, HEADS, batch_first=True)

    def forward(self, x):
        n = x.shape[1]
        mask = torch.triu(torch.full((n, n), float("-inf")), diagonal=1)
        return self.mha(x, x, x, attn_mask=mask, need_weights=False)[0]


class PaddedSelfAttention(nn.Module):
    """nn.MultiheadAttention with a boolean key_padding_mask (true = a
    padding position no query may see): exported as Where/Expand."""

    def __init__(self):
        super().__init__()
        self.mha = nn.MultiheadAttention(E, HEADS, batch_first=True)

    def forward(self, x, padding):
        return self.mha(x, x, x, key_padding_mask=padding,
                        need_weights=False)[0]


class LinearSqueezeExcite(nn.Module):
    """Squeeze-and-excitation written with nn.Linear (as SENet's reference
    code does): the means flattened with view(b, c), the gate viewed back
    to [b, c, 1, 1] and, with `expand`, expand_as(x) before the product.
    With `pool_relu` the means are taken of relu(x) but x is rescaled: no
    longer squeeze-and-excitation, which the importer must not fuse."""

    def __init__(self, expand=True, pool_relu=False):
        super().__init__()
        self.expand, self.pool_relu = expand, pool_relu
        self.avg_pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Sequential(
            nn.Linear(CHANNELS, CHANNELS // REDUCTION), nn.ReLU(inplace=True),
            nn.Linear(CHANNELS // REDUCTION, CHANNELS), nn.Sigmoid())

    def forward(self, x):
        b, c, _, _ = x.size()
        pooled = self.avg_pool(torch.relu(x) if self.pool_relu else x)
        y = self.fc(pooled.view(b, c)).view(b, c, 1, 1)
        return x * (y.expand_as(x) if self.expand else y)


class EfficientChannel(nn.Module):
    """ECA as its reference code writes it: a Conv1d of width 3 across the
    channel means. With `bias` the convolution has a bias, which attn.eca
    does not, so the importer must not fuse it."""

    def __init__(self, bias=False):
        super().__init__()
        self.avg_pool = nn.AdaptiveAvgPool2d(1)
        self.conv = nn.Conv1d(1, 1, kernel_size=3, padding=1, bias=bias)
        self.sigmoid = nn.Sigmoid()

    def forward(self, x):
        y = self.avg_pool(x)
        y = self.conv(y.squeeze(-1).transpose(-1, -2))
        y = self.sigmoid(y.transpose(-1, -2).unsqueeze(-1))
        return x * y.expand_as(x)


class SpatialGate(nn.Module):
    """CBAM's spatial attention module as its reference code writes it: the
    channel mean and max, concatenated, a 7x7 Conv2d without bias, a
    sigmoid, then the product with x. With `max_first` the max comes first
    in the concatenation, which attn.spatial_gate's weights do not expect,
    so the importer must not fuse it."""

    def __init__(self, max_first=False):
        super().__init__()
        self.max_first = max_first
        self.conv = nn.Conv2d(2, 1, 7, padding=3, bias=False)

    def forward(self, x):
        stats = [torch.mean(x, dim=1, keepdim=True),
                 torch.max(x, dim=1, keepdim=True)[0]]
        if self.max_first:
            stats.reverse()
        return x * torch.sigmoid(self.conv(torch.cat(stats, dim=1)))


class ConvolutionalBlockAttention(nn.Module):
    """A whole CBAM block as its reference code writes it: the channel gate
    (average and max pooling, the shared two-layer MLP, the sum, a
    sigmoid) then the spatial gate above. The max pooling exports as
    GlobalMaxPool; the block imports as one attn.cbam."""

    def __init__(self):
        super().__init__()
        self.avg_pool = nn.AdaptiveAvgPool2d(1)
        self.max_pool = nn.AdaptiveMaxPool2d(1)
        self.mlp = nn.Sequential(
            nn.Flatten(), nn.Linear(CHANNELS, CHANNELS // REDUCTION),
            nn.ReLU(), nn.Linear(CHANNELS // REDUCTION, CHANNELS))
        self.spatial = SpatialGate()

    def forward(self, x):
        gate = torch.sigmoid(self.mlp(self.avg_pool(x)) +
                             self.mlp(self.max_pool(x)))
        return self.spatial(x * gate.unsqueeze(2).unsqueeze(3).expand_as(x))


def encoder(norm_first, activation):
    return nn.TransformerEncoderLayer(E, HEADS, FFN, dropout=0.0,
                                      activation=activation, batch_first=True,
                                      norm_first=norm_first)


MODELS = {
    "mha_self": (SelfAttention, ["x"]),
    "mha_cross": (CrossAttention, ["x", "memory"]),
    "mha_causal": (CausalSelfAttention, ["x"]),
    "mha_padding": (PaddedSelfAttention, ["x", "padding"]),
    "encoder_post_norm": (lambda: encoder(False, "relu"), ["x"]),
    "encoder_pre_norm_gelu": (lambda: encoder(True, "gelu"), ["x"]),
    "se_linear": (LinearSqueezeExcite, ["image"]),
    "se_linear_broadcast": (lambda: LinearSqueezeExcite(expand=False),
                            ["image"]),
    "se_linear_pool_relu": (lambda: LinearSqueezeExcite(pool_relu=True),
                            ["image"]),
    "eca": (EfficientChannel, ["image"]),
    "eca_bias": (lambda: EfficientChannel(bias=True), ["image"]),
    "cbam": (ConvolutionalBlockAttention, ["image"]),
    "cbam_spatial": (SpatialGate, ["image"]),
    "cbam_spatial_max_first": (lambda: SpatialGate(max_first=True),
                               ["image"]),
}


def make_inputs(names, rng, b, s, t):
    shapes = {"x": (b, s, E), "memory": (b, t, E),
              "image": (b, CHANNELS, s, t)}
    inputs = []
    for n in names:
        if n == "padding":
            # Batch entry e keeps its first s - 3e - 2 positions (at least
            # one).
            keep = np.maximum(s - 3 * np.arange(b) - 2, 1)[:, None]
            inputs.append(np.arange(s)[None, :] >= keep)
        else:
            inputs.append(rng.uniform(-1, 1, shapes[n]).astype(np.float32))
    return inputs


def export_module(module, inputs, path, names, dims):
    """torch.onnx.export at opset 17 of `module` traced on `inputs` (numpy
    float32 arrays) with the dynamic dimensions `dims`; the output is
    `y`."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(module, tuple(torch.from_numpy(a) for a in inputs),
                          path, input_names=names, output_names=["y"],
                          opset_version=17,
                          dynamic_axes={n: dims[n] for n in names + ["y"]})


def run_float64(module, inputs):
    """The module's output for `inputs`, computed by PyTorch in float64."""
    with torch.no_grad():
        return module.double()(
            *(torch.from_numpy(a).double() if a.dtype == np.float32 else
              torch.from_numpy(a) for a in inputs)).numpy()


def export(name, outdir):
    make, names = MODELS[name]
    module = make().eval()
    randomise(module, torch.Generator().manual_seed(1))
    rng = np.random.default_rng(2)
    sets = [make_inputs(names, rng, *size)
            for size in (IMAGE_SIZES if "image" in names else SIZES)]
    folder = os.path.join(outdir, name)
    os.makedirs(folder, exist_ok=True)
    dims = {"x": {0: "batch", 1: "seq"}, "memory": {0: "batch", 1: "mem"},
            "padding": {0: "batch", 1: "seq"}, "y": {0: "batch", 1: "seq"},
            "image": {0: "batch", 2: "height", 3: "width"}}
    if "image" in names:
        dims["y"] = dims["image"]
    export_module(module, sets[0], os.path.join(folder, "model.onnx"), names,
                  dims)
    for k, inputs in enumerate(sets):
        data = os.path.join(folder, f"test_data_set_{k}")
        os.makedirs(data, exist_ok=True)
        y = run_float64(module, inputs)
        for i, a in enumerate(inputs):
            write_pb(os.path.join(data, f"input_{i}.pb"), a)
        write_pb(os.path.join(data, "output_0.pb"), y.astype(np.float32))


def write_pb(path, array):
    with open(path, "wb") as f:
        f.write(numpy_helper.from_array(array).SerializeToString())


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    for name in sys.argv[2:] or sorted(MODELS):
        export(name, sys.argv[1])
    return 0


if __name__ == "__main__":
    sys.exit(main())
