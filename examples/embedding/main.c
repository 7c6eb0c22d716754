/*===- main.c - the attn compiler from C, through its C API ---------------===*\
|*                                                                            *|
|* What a C program (or another language's bindings) does with the C API:   *|
|* an MLIR context with the attn dialects, a module parsed from a string,    *|
|* compiled into a shared library with attnCompileModule, loaded and called *|
|* with attnModuleCall. The check needs no reference attention: when every  *|
|* value row is the same vector, every output row is that vector, whatever  *|
|* the weights are.                                                          *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#include "attn-c/Compiler.h"
#include "attn-c/Dialects.h"
#include "attn-c/Runtime.h"

#include <math.h>
#include <stdio.h>

enum { kHeads = 2, kQueries = 8, kKeys = 32, kDim = 16 };

static const char *kSource =
    "func.func @main(%q: tensor<1x2x8x16xf32>, %k: tensor<1x2x32x16xf32>,\n"
    "                %v: tensor<1x2x32x16xf32>) -> tensor<1x2x8x16xf32> {\n"
    "  %o = attn.attention %q, %k, %v : tensor<1x2x8x16xf32>,\n"
    "      tensor<1x2x32x16xf32>, tensor<1x2x32x16xf32>\n"
    "      -> tensor<1x2x8x16xf32>\n"
    "  return %o : tensor<1x2x8x16xf32>\n"
    "}\n";

static int compile(const char *libraryPath) {
  MlirDialectRegistry registry = mlirDialectRegistryCreate();
  attnRegisterAllDialects(registry);
  MlirContext context = mlirContextCreateWithRegistry(registry, false);
  mlirDialectRegistryDestroy(registry);
  attnContextPrepare(context);
  MlirModule module =
      mlirModuleCreateParse(context, mlirStringRefCreateFromCString(kSource));
  int ok = !mlirModuleIsNull(module) &&
           mlirLogicalResultIsSuccess(attnCompileModule(
               module, mlirStringRefCreateFromCString(libraryPath),
               mlirStringRefCreateFromCString(""), NULL));
  if (!mlirModuleIsNull(module))
    mlirModuleDestroy(module);
  mlirContextDestroy(context);
  return ok;
}

int main(int argc, char **argv) {
  const char *libraryPath = argc > 1 ? argv[1] : "attention-c.so";
  if (!compile(libraryPath)) {
    fprintf(stderr, "compilation failed\n");
    return 1;
  }
  AttnModule module;
  AttnError error = attnModuleLoad(libraryPath, "main", &module);
  if (!attnErrorIsNull(error)) {
    fprintf(stderr, "%s\n", attnErrorGetMessage(error));
    attnErrorDestroy(error);
    return 1;
  }
  static float q[kHeads * kQueries * kDim], k[kHeads * kKeys * kDim],
      v[kHeads * kKeys * kDim];
  for (int i = 0; i < kHeads * kQueries * kDim; ++i)
    q[i] = (float)sin(0.37 * i);
  for (int i = 0; i < kHeads * kKeys * kDim; ++i) {
    k[i] = (float)cos(0.11 * i);
    v[i] = (float)(i % kDim) - 7.5f;
  }
  int64_t qShape[4] = {1, kHeads, kQueries, kDim};
  int64_t kvShape[4] = {1, kHeads, kKeys, kDim};
  AttnHostArray args[3] = {{ATTN_DTYPE_FLOAT32, 4, qShape, q},
                           {ATTN_DTYPE_FLOAT32, 4, kvShape, k},
                           {ATTN_DTYPE_FLOAT32, 4, kvShape, v}};
  AttnResults results;
  error = attnModuleCall(module, args, 3, &results);
  if (!attnErrorIsNull(error)) {
    fprintf(stderr, "%s\n", attnErrorGetMessage(error));
    attnErrorDestroy(error);
    attnModuleDestroy(module);
    return 1;
  }
  const float *o = (const float *)attnResultsGet(results, 0).data;
  double maxError = 0;
  for (int i = 0; i < kHeads * kQueries * kDim; ++i) {
    double e = fabs(o[i] - ((float)(i % kDim) - 7.5f));
    maxError = e > maxError || isnan(e) ? e : maxError;
  }
  printf("C API: max error against the value row: %g\n", maxError);
  attnResultsDestroy(results);
  attnModuleDestroy(module);
  return maxError <= 1e-5 ? 0 : 1;
}
