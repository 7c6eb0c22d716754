#!/bin/sh
# A stand-in for attn-compile that refuses the topk modules, as the real
# one refuses what the GPU kernel does not compute: pack.test checks that
# scripts/gpu-pack lists such entries as unsupported, with the compiler's
# first error line, and packs the rest. Everything else goes to the
# attn-compile on PATH.
case "$1" in
*/topk.mlir | */topk_*.mlir)
  echo "$1:1:1: error: 'attn.attention' op is not supported by attn-to-gpu yet: refused by this test's compiler" >&2
  exit 1
  ;;
esac
exec attn-compile "$@"
