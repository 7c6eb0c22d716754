func.func @static_only(%a: tensor<3x4xbf16>, %b: tensor<i64>)
    -> tensor<3x4xbf16> {
  return %a : tensor<3x4xbf16>
}
func.func @nothing() {
  return
}
