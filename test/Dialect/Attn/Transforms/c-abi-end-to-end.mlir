// End to end through the C ABI: attn-compile writes the library and header,
// a C driver calls the typed and packed entries, checks the return codes and
// prints the manifest. The header must also compile as C++.

// RUN: rm -rf %t && split-file %s %t
// RUN: attn-compile %t/abi.mlir -o %t/libabi.so
// RUN: FileCheck %s --check-prefix=HEADER < %t/libabi.h
// RUN: llvm-nm -D --defined-only %t/libabi.so | FileCheck %s --check-prefix=SYMS
// RUN: llvm-nm -D --defined-only %t/libabi.so | count 6
// RUN: clang++-22 -fsyntax-only -Wall -Werror -x c++ %t/libabi.h
// RUN: clang-22 -std=c11 -Wall -Werror -I%t %t/driver.c %t/libabi.so \
// RUN:   -Wl,-rpath,%t -lm -o %t/driver
// RUN: %t/driver | FileCheck %s

// HEADER: #include <stdint.h>
// HEADER: extern "C" {
// HEADER: int32_t attn_copy(const int32_t *in, int32_t *out, int64_t arg0_d0);
// HEADER: int32_t attn_copy_packed(void **pointers, const int64_t *sizes);
// HEADER: extern const char attn_copy_manifest[];
// HEADER: int32_t attn_main(const float *arg0, const float *arg1, const float *arg2,
// HEADER-NEXT: float *res0, int64_t arg0_d0, int64_t arg0_d2,
// HEADER-NEXT: int64_t arg1_d2);

// Only the ABI symbols are exported: @main would otherwise clash with the
// driver's main.
// SYMS: T attn_copy{{$}}
// SYMS-NEXT: R attn_copy_manifest{{$}}
// SYMS-NEXT: T attn_copy_packed{{$}}
// SYMS-NEXT: T attn_main{{$}}
// SYMS-NEXT: R attn_main_manifest{{$}}
// SYMS-NEXT: T attn_main_packed{{$}}

// CHECK: copy 0: 1 2 3 4 5 6
// CHECK-NEXT: copy negative: 1
// CHECK-NEXT: copy overflow: 1
// CHECK-NEXT: copy untouched: 1
// CHECK-NEXT: copy empty: 0
// CHECK-NEXT: packed 0: 7 8 9
// CHECK-NEXT: attn-abi 1
// CHECK-NEXT: function copy
// CHECK-NEXT: sizes 1
// CHECK-NEXT: size 0 arg0.d0
// CHECK-NEXT: arg 0 in i32 2 s0 3
// CHECK-NEXT: result 0 out i32 2 s0 3
// CHECK-NEXT: end
// CHECK-NEXT: attention 0: max error ok
// CHECK-NEXT: attention mismatch: 1

//--- abi.mlir
func.func @copy(%a: tensor<?x3xi32> {attn.name = "in"})
    -> (tensor<?x3xi32> {attn.name = "out"}) {
  return %a : tensor<?x3xi32>
}

func.func @main(%q: tensor<?x2x?x4xf32>, %k: tensor<?x2x?x4xf32>,
                %v: tensor<?x2x?x4xf32>) -> tensor<?x2x?x4xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<?x2x?x4xf32>, tensor<?x2x?x4xf32>, tensor<?x2x?x4xf32>
      -> tensor<?x2x?x4xf32>
  return %o : tensor<?x2x?x4xf32>
}

//--- driver.c
#include "libabi.h"

#include <math.h>
#include <stdio.h>

int main(void) {
  int32_t in[6] = {1, 2, 3, 4, 5, 6}, out[6] = {0};
  int32_t rc = attn_copy(in, out, 2);
  printf("copy %d:", rc);
  for (int i = 0; i < 6; ++i)
    printf(" %d", out[i]);
  printf("\n");

  int32_t fresh[6] = {0};
  printf("copy negative: %d\n", attn_copy(in, fresh, -1));
  /* 2^61 rows of 3 x 4 bytes: 3 * 2^63 bytes. */
  printf("copy overflow: %d\n", attn_copy(in, fresh, (int64_t)1 << 61));
  printf("copy untouched: %d\n", fresh[0] == 0);
  printf("copy empty: %d\n", attn_copy(NULL, NULL, 0));

  int32_t in2[3] = {7, 8, 9}, out2[3] = {0};
  void *pointers[2] = {in2, out2};
  int64_t sizes[1] = {1};
  rc = attn_copy_packed(pointers, sizes);
  printf("packed %d: %d %d %d\n", rc, out2[0], out2[1], out2[2]);
  fputs(attn_copy_manifest, stdout);

  /* B=2, H=2, Sq=3, Skv=2, D=4. Both keys of a (b, h) are equal, so each
     output row is the mean of the two value rows. */
  enum { B = 2, H = 2, SQ = 3, SKV = 2, D = 4 };
  static float q[B][H][SQ][D], k[B][H][SKV][D], v[B][H][SKV][D],
      o[B][H][SQ][D];
  for (int b = 0; b < B; ++b)
    for (int h = 0; h < H; ++h) {
      for (int i = 0; i < SQ; ++i)
        for (int d = 0; d < D; ++d)
          q[b][h][i][d] = (float)((b * 7 + h * 5 + i * 3 + d) % 11) / 4.0f;
      for (int j = 0; j < SKV; ++j)
        for (int d = 0; d < D; ++d) {
          k[b][h][j][d] = (float)(b + 2 * h + d) / 3.0f;
          v[b][h][j][d] = (float)(100 * b + 10 * h + 4 * j + d);
        }
    }
  rc = attn_main(&q[0][0][0][0], &k[0][0][0][0], &v[0][0][0][0],
                 &o[0][0][0][0], B, SQ, SKV);
  float err = 0.0f;
  for (int b = 0; b < B; ++b)
    for (int h = 0; h < H; ++h)
      for (int i = 0; i < SQ; ++i)
        for (int d = 0; d < D; ++d) {
          float want = 0.5f * (v[b][h][0][d] + v[b][h][1][d]);
          err = fmaxf(err, fabsf(o[b][h][i][d] - want));
        }
  printf("attention %d: max error %s\n", rc, err < 1e-3f ? "ok" : "BAD");
  /* One size symbol for the batch: mismatched batches cannot be passed,
     but a negative query length is rejected. */
  printf("attention mismatch: %d\n",
         attn_main(&q[0][0][0][0], &k[0][0][0][0], &v[0][0][0][0],
                   &o[0][0][0][0], B, -SQ, SKV));
  return 0;
}
