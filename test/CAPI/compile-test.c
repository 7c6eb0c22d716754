/*===- compile-test.c - The compiler half of the C API, from C ------------===*\
|*                                                                            *|
|* Registers the dialects and passes, parses an attention module, runs named  *|
|* pipelines (one valid, one not), and compiles the module into the shared    *|
|* library and header given on the command line. Everything is printed for   *|
|* FileCheck (capi.test); diagnostics go through a C handler.                 *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#include "attn-c/Compiler.h"
#include "attn-c/Dialects.h"

#include "mlir-c/Diagnostics.h"
#include "mlir-c/IR.h"

#include <stdio.h>
#include <string.h>

static const char *kSource =
    "func.func @main(%q: tensor<?x2x?x16xf32> {attn.name = \"q\"},\n"
    "                %k: tensor<?x2x?x16xf32> {attn.name = \"k\"},\n"
    "                %v: tensor<?x2x?x16xf32> {attn.name = \"v\"})\n"
    "    -> (tensor<?x2x?x16xf32> {attn.name = \"o\"}) {\n"
    "  %o = attn.attention %q, %k, %v {causal}\n"
    "      : tensor<?x2x?x16xf32>, tensor<?x2x?x16xf32>,\n"
    "        tensor<?x2x?x16xf32> -> tensor<?x2x?x16xf32>\n"
    "  return %o : tensor<?x2x?x16xf32>\n"
    "}\n";

static void printToStdout(MlirStringRef text, void *userData) {
  (void)userData;
  fwrite(text.data, 1, text.length, stdout);
}

static MlirLogicalResult printDiagnostic(MlirDiagnostic diagnostic,
                                         void *userData) {
  (void)userData;
  printf("diagnostic: ");
  mlirDiagnosticPrint(diagnostic, printToStdout, NULL);
  printf("\n");
  return mlirLogicalResultSuccess();
}

/// Runs `pipeline` on a copy of `module` and prints whether attn.attention
/// is left in the result.
static void runPipelineOnCopy(MlirModule module, const char *pipeline) {
  MlirOperation copy = mlirOperationClone(mlirModuleGetOperation(module));
  MlirModule copyModule = mlirModuleFromOperation(copy);
  MlirLogicalResult result =
      attnRunPipeline(copyModule, mlirStringRefCreateFromCString(pipeline));
  printf("pipeline '%s': %s\n", pipeline,
         mlirLogicalResultIsSuccess(result) ? "success" : "failure");
  if (mlirLogicalResultIsSuccess(result)) {
    mlirOperationPrint(copy, printToStdout, NULL);
    printf("\n");
  }
  mlirOperationDestroy(copy);
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: attn-capi-compile-test LIBRARY.so HEADER.h\n");
    return 2;
  }
  MlirDialectRegistry registry = mlirDialectRegistryCreate();
  attnRegisterAllDialects(registry);
  MlirContext context = mlirContextCreateWithRegistry(registry, false);
  mlirDialectRegistryDestroy(registry);
  attnContextPrepare(context);
  attnRegisterAllPasses();
  attnRegisterAllPasses(); /* idempotent */
  mlirContextAttachDiagnosticHandler(context, printDiagnostic, NULL, NULL);

  MlirDialectHandle attn = mlirGetDialectHandle__attn__();
  MlirStringRef name = mlirDialectHandleGetNamespace(attn);
  printf("dialect: %.*s\n", (int)name.length, name.data);

  MlirModule module =
      mlirModuleCreateParse(context, mlirStringRefCreateFromCString(kSource));
  if (mlirModuleIsNull(module)) {
    printf("parse failed\n");
    return 1;
  }
  runPipelineOnCopy(module, "attn-lower-to-tiles{query-tile=16 key-tile=16}");
  runPipelineOnCopy(module, "builtin.module(attn-decompose, canonicalize)");
  runPipelineOnCopy(module, "attn-no-such-pass");

  /* Bad options are diagnostics too, and leave the module untouched. */
  AttnCompileOptions options = attnCompileOptionsGetDefault();
  options.target = "rocm";
  MlirLogicalResult bad =
      attnCompileModule(module, mlirStringRefCreateFromCString(argv[1]),
                        mlirStringRefCreateFromCString(argv[2]), &options);
  printf("compile for rocm: %s\n",
         mlirLogicalResultIsSuccess(bad) ? "success" : "failure");

  options = attnCompileOptionsGetDefault();
  options.queryTile = 16;
  options.keyTile = 16;
  MlirLogicalResult compiled =
      attnCompileModule(module, mlirStringRefCreateFromCString(argv[1]),
                        mlirStringRefCreateFromCString(argv[2]), &options);
  printf("compile: %s\n",
         mlirLogicalResultIsSuccess(compiled) ? "success" : "failure");

  /* A model file that is missing is a null module with a message. */
  MlirModule missing = attnParseModuleFile(
      context, mlirStringRefCreateFromCString("no-such-model.onnx"));
  printf("missing file: %s\n", mlirModuleIsNull(missing) ? "null" : "module");

  mlirModuleDestroy(module);
  mlirContextDestroy(context);
  return mlirLogicalResultIsSuccess(compiled) ? 0 : 1;
}
