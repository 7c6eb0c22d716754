//===- Compiler.cpp - C API: pipelines and AOT compilation ----------------===//

#include "attn-c/Compiler.h"

#include "attn/Compiler/Compiler.h"

#include "mlir/CAPI/IR.h"
#include "mlir/CAPI/Support.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"

using namespace mlir;

AttnCompileOptions attnCompileOptionsGetDefault(void) {
  // The strings of the C struct point at literals; the numbers come from
  // the C++ defaults so that the two cannot drift apart.
  attn::CompileOptions defaults;
  return AttnCompileOptions{defaults.queryTile,
                            defaults.keyTile,
                            defaults.keySplits,
                            defaults.stackScratchBytes,
                            "native",
                            "cpu",
                            "sm_80",
                            defaults.allowTf32,
                            defaults.optLevel,
                            defaults.parallel};
}

void attnContextPrepare(MlirContext context) {
  attn::prepareContext(*unwrap(context));
}

MlirModule attnParseModuleFile(MlirContext context, MlirStringRef path) {
  return wrap(attn::parseModule(unwrap(path), *unwrap(context)).release());
}

MlirLogicalResult attnRunPipeline(MlirModule module, MlirStringRef pipeline) {
  ModuleOp op = unwrap(module);
  llvm::StringRef text = unwrap(pipeline).trim();
  // The passes inside an anchor on the module, or a bare list that is
  // anchored on it.
  llvm::StringRef passes = text;
  if (passes.consume_front("builtin.module(") && passes.consume_back(")"))
    passes = passes.trim();
  else
    passes = text;
  PassManager pm(op->getName());
  std::string errors;
  llvm::raw_string_ostream errorStream(errors);
  if (failed(parsePassPipeline(passes, pm, errorStream))) {
    op.emitError() << "invalid pass pipeline '" << text
                   << "': " << llvm::StringRef(errors).trim();
    return wrap(failure());
  }
  return wrap(pm.run(op));
}

MlirLogicalResult attnCompileModule(MlirModule module,
                                    MlirStringRef libraryPath,
                                    MlirStringRef headerPath,
                                    const AttnCompileOptions *options) {
  AttnCompileOptions given =
      options ? *options : attnCompileOptionsGetDefault();
  attn::CompileOptions converted;
  converted.queryTile = given.queryTile;
  converted.keyTile = given.keyTile;
  converted.keySplits = given.keySplits;
  converted.stackScratchBytes = given.stackScratchBytes;
  converted.cpu = given.cpu ? given.cpu : "native";
  converted.target = given.target ? given.target : "cpu";
  converted.chip = given.chip ? given.chip : "sm_80";
  converted.allowTf32 = given.allowTf32;
  converted.optLevel = given.optLevel;
  converted.parallel = given.parallel;
  return wrap(attn::compileModule(unwrap(module), unwrap(libraryPath),
                                  unwrap(headerPath), converted));
}
