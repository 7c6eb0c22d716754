// The fused core of stand_alone (examples/variants/stand_alone.mlir): one
// attn.attention over the H*W positions of each map, a 7x7 window, with
// the relative tables rows [4, 7, 4] and cols [4, 7, 4] as position
// operands: s = q . (k + rows[h, a + 3] + cols[h, c + 3]), no scale. q, k,
// v are [N, 4, H*W, 4]; the map width is dimension 1 of `map` [H, W]
// (whose values are not read). Checked by test/Integration/lib/
// check_grid_window.py.
func.func @main(%q: tensor<?x4x?x4xf32>, %k: tensor<?x4x?x4xf32>,
                %v: tensor<?x4x?x4xf32>, %map: tensor<?x?xi8>,
                %rows: tensor<4x7x4xf32>,
                %cols: tensor<4x7x4xf32>) -> tensor<?x4x?x4xf32> {
  %c1 = arith.constant 1 : index
  %W = tensor.dim %map, %c1 : tensor<?x?xi8>
  %o = attn.attention %q, %k, %v grid_width(%W)
      position_operands(%rows, %cols : tensor<4x7x4xf32>, tensor<4x7x4xf32>)
      {grid_window = array<i64: 3, 3>, scale = 1.0 : f32}
      : tensor<?x4x?x4xf32>, tensor<?x4x?x4xf32>, tensor<?x4x?x4xf32>
      -> tensor<?x4x?x4xf32>
  return %o : tensor<?x4x?x4xf32>
}
