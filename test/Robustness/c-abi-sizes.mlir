// The generated C ABI rejects negative and overflowing sizes with 1 and
// touches nothing then, through both entries and for every size symbol;
// sizes of 0 are valid (c-abi-end-to-end.mlir has the basic cases).

// RUN: rm -rf %t && split-file %s %t
// RUN: attn-compile %t/abi.mlir -o %t/libabi.so
// RUN: clang-22 -std=c11 -Wall -Werror -I%t %t/driver.c %t/libabi.so \
// RUN:   -Wl,-rpath,%t -lm -o %t/driver
// RUN: %t/driver | FileCheck %s

// Negative sizes, one symbol at a time, both entries.
// CHECK: negative B: 1 1
// CHECK-NEXT: negative Sq: 1 1
// CHECK-NEXT: negative Skv: 1 1
// CHECK-NEXT: INT64_MIN Sq: 1 1
// Byte sizes past INT64_MAX: one size alone, a product that wraps around
// 2^64, a product just past INT64_MAX, and INT64_MAX itself.
// CHECK-NEXT: overflow Skv alone: 1 1
// CHECK-NEXT: overflow product wraps: 1 1
// CHECK-NEXT: overflow just past: 1 1
// CHECK-NEXT: INT64_MAX Sq: 1 1
// Nothing was written by any rejected call.
// CHECK-NEXT: untouched: 1
// A size of 0 makes the product 0: no overflow, even with a huge size
// next to it, and a valid call.
// CHECK-NEXT: zero B, huge Sq: 0
// CHECK-NEXT: zero Sq: 0
// CHECK-NEXT: zero Skv: 0 zeros 1
// CHECK-NEXT: valid: 0

//--- abi.mlir
func.func @main(%q: tensor<?x2x?x4xf32>, %k: tensor<?x2x?x4xf32>,
                %v: tensor<?x2x?x4xf32>) -> tensor<?x2x?x4xf32> {
  %o = attn.attention %q, %k, %v {causal}
      : tensor<?x2x?x4xf32>, tensor<?x2x?x4xf32>, tensor<?x2x?x4xf32>
      -> tensor<?x2x?x4xf32>
  return %o : tensor<?x2x?x4xf32>
}

//--- driver.c
#include "libabi.h"

#include <stdint.h>
#include <stdio.h>

enum { B = 2, H = 2, SQ = 3, SKV = 5, D = 4 };
static float q[B * H * SQ * D], k[B * H * SKV * D], v[B * H * SKV * D],
    o[B * H * SQ * D];

/* Calls both entries with sizes (b, sq, skv); prints their return codes. */
static void both(const char *what, int64_t b, int64_t sq, int64_t skv) {
  int32_t typed = attn_main(q, k, v, o, b, sq, skv);
  void *pointers[4] = {q, k, v, o};
  int64_t sizes[3] = {b, sq, skv};
  int32_t packed = attn_main_packed(pointers, sizes);
  printf("%s: %d %d\n", what, typed, packed);
}

int main(void) {
  for (int i = 0; i < B * H * SQ * D; ++i)
    q[i] = (float)(i % 7) / 7.0f;
  for (int i = 0; i < B * H * SKV * D; ++i) {
    k[i] = (float)(i % 5) / 5.0f;
    v[i] = (float)(i % 11);
  }
  for (int i = 0; i < B * H * SQ * D; ++i)
    o[i] = -42.0f;

  both("negative B", -1, SQ, SKV);
  both("negative Sq", B, -1, SKV);
  both("negative Skv", B, SQ, -SKV);
  both("INT64_MIN Sq", B, INT64_MIN, SKV);
  /* [B, 2, S, 4] f32 is 32 * B * S bytes. */
  both("overflow Skv alone", 1, SQ, (int64_t)1 << 59);
  both("overflow product wraps", (int64_t)1 << 32, (int64_t)1 << 32, SKV);
  both("overflow just past", 1, ((int64_t)1 << 58), SKV);
  both("INT64_MAX Sq", B, INT64_MAX, SKV);
  int untouched = 1;
  for (int i = 0; i < B * H * SQ * D; ++i)
    untouched &= o[i] == -42.0f;
  printf("untouched: %d\n", untouched);

  printf("zero B, huge Sq: %d\n", attn_main(q, k, v, o, 0, INT64_MAX, SKV));
  printf("zero Sq: %d\n", attn_main(q, k, v, o, B, 0, SKV));
  /* No key: every row has no visible key and outputs zeros. */
  int32_t rc = attn_main(q, k, v, o, B, SQ, 0);
  int zeros = 1;
  for (int i = 0; i < B * H * SQ * D; ++i)
    zeros &= o[i] == 0.0f;
  printf("zero Skv: %d zeros %d\n", rc, zeros);
  printf("valid: %d\n", attn_main(q, k, v, o, B, SQ, SKV));
  return 0;
}
