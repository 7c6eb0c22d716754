func.func @yield_outside() {
  %c = arith.constant true
  attn.yield %c : i1
}
