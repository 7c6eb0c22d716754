// The fused core of dilated_local (examples/variants/dilated_local.mlir):
// one attn.attention over the H*W positions of each map, every head a 3x3
// window at its own dilation (1, 2, 3, 4), no relative tables. q, k, v are
// [N, 4, H*W, 4]; the map width is dimension 1 of `map` [H, W] (whose
// values are not read). Checked by test/Integration/lib/
// check_grid_window.py.
func.func @main(%q: tensor<?x4x?x4xf32>, %k: tensor<?x4x?x4xf32>,
                %v: tensor<?x4x?x4xf32>, %map: tensor<?x?xi8>) -> tensor<?x4x?x4xf32> {
  %c1 = arith.constant 1 : index
  %W = tensor.dim %map, %c1 : tensor<?x?xi8>
  %o = attn.attention %q, %k, %v grid_width(%W)
      {grid_window = array<i64: 1, 1>, grid_dilation = array<i64: 1, 2, 3, 4>}
      : tensor<?x4x?x4xf32>, tensor<?x4x?x4xf32>, tensor<?x4x?x4xf32>
      -> tensor<?x4x?x4xf32>
  return %o : tensor<?x4x?x4xf32>
}
