func.func @main(%q: tensor<?x4x?x64xf16>,
                %k: tensor<?x4x?x64xf16>,
                %v: tensor<?x4x?x64xf16>)
    -> tensor<?x4x?x64xf16> {
  %o = attn.attention %q, %k, %v
      : tensor<?x4x?x64xf16>, tensor<?x4x?x64xf16>, tensor<?x4x?x64xf16>
      -> tensor<?x4x?x64xf16>
  return %o : tensor<?x4x?x64xf16>
}
