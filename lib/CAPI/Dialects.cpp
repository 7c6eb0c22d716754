//===- Dialects.cpp - C API: registration of attn and its passes ----------===//

#include "attn-c/Dialects.h"

#include "attn/Dialect/Attn/IR/AttnDialect.h"
#include "attn/InitAll.h"

#include "mlir/CAPI/IR.h"
#include "mlir/CAPI/Registration.h"

MLIR_DEFINE_CAPI_DIALECT_REGISTRATION(Attn, attn, mlir::attn::AttnDialect)

void attnRegisterAllDialects(MlirDialectRegistry registry) {
  attn::registerAllDialects(*unwrap(registry));
}

void attnRegisterAllPasses(void) {
  // Pass registration is global; registering twice would abort.
  static bool registered = (attn::registerAllPasses(), true);
  (void)registered;
}
