func.func @"my.fn"() {
  return
}
