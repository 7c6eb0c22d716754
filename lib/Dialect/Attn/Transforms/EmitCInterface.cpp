//===- EmitCInterface.cpp - C ABI entry points and manifest ---------------===//
//
// Implements `attn-emit-c-interface`: for each function recorded in
// `attn.abi`, builds in the LLVM dialect
//
//   i32 @attn_f_packed(ptr %pointers, ptr %sizes)  validates the sizes, builds
//       one memref descriptor per tensor on the stack and calls
//       @_mlir_ciface_f (arguments then results, as produced by
//       buffer-results-to-out-params and func-to-llvm);
//   i32 @attn_f(ptr..., i64...)                     packs and forwards;
//   @attn_f_manifest                                the manifest text.
//
//===----------------------------------------------------------------------===//

#include "attn/Dialect/Attn/Transforms/AbiSignature.h"
#include "attn/Dialect/Attn/Transforms/Passes.h"

#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "llvm/Support/MathExtras.h"

#include <limits>
#include <map>
#include <set>

namespace mlir::attn {
#define GEN_PASS_DEF_ATTNEMITCINTERFACE
#include "attn/Dialect/Attn/Transforms/Passes.h.inc"
} // namespace mlir::attn

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::abi;

namespace {
/// A size that is folded while it is a constant.
struct Size {
  int64_t constant = 0;
  Value value; // null when constant
};

/// Builds the entry points of one function. Constants are created once at
/// the start of the entry block, so they dominate every use.
class EntryBuilder {
public:
  /// `chip` empty: CPU entry points; else CUDA ones for that chip (device
  /// pointers and a trailing stream).
  EntryBuilder(ModuleOp module, const FunctionSig &sig, StringRef chip)
      : module(module), sig(sig), chip(chip),
        b(ImplicitLocOpBuilder::atBlockEnd(module.getLoc(), module.getBody())),
        ptrTy(LLVM::LLVMPointerType::get(module.getContext())),
        i1Ty(b.getI1Type()), i32Ty(b.getI32Type()), i64Ty(b.getI64Type()) {}

  LogicalResult emit() {
    std::string ciface = "_mlir_ciface_" + sig.name;
    auto callee = module.lookupSymbol<LLVM::LLVMFuncOp>(ciface);
    if (!callee)
      return module.emitError()
             << "attn-emit-c-interface: no llvm.func @" << ciface << " for '"
             << sig.name << "'; lower it with llvm.emit_c_interface";
    b.setLoc(callee.getLoc());
    size_t numTensors = sig.args.size() + sig.results.size();
    LLVM::LLVMFunctionType calleeTy = callee.getFunctionType();
    // One descriptor more: the allocation status of attn-check-allocations.
    hasStatus = chip.empty() && calleeTy.getNumParams() == numTensors + 1;
    if (calleeTy.isVarArg() ||
        calleeTy.getNumParams() != numTensors + (hasStatus ? 1 : 0) ||
        !isa<LLVM::LLVMVoidType>(calleeTy.getReturnType()) ||
        !llvm::all_of(calleeTy.getParams(),
                      [&](Type t) { return t == ptrTy; })) {
      InFlightDiagnostic diag = callee.emitError();
      diag << "expected @" << ciface << " to take " << numTensors
           << " memref descriptor pointers (arguments, then results)";
      if (chip.empty())
        diag << ", or " << numTensors + 1 << " with the allocation status,";
      diag << " and return void, but it has type " << calleeTy;
      return diag;
    }
    std::string prefix = "attn_" + sig.name;
    for (std::string name : {prefix, prefix + "_packed", prefix + "_manifest"})
      if (module.lookupSymbol(name))
        return module.emitError() << "attn-emit-c-interface: symbol @" << name
                                  << " already exists";
    LLVM::LLVMFuncOp packed = buildPacked(prefix + "_packed", callee);
    if (!packed)
      return failure();
    buildTyped(prefix, packed);
    buildManifest(prefix + "_manifest");
    // Only the attn_ symbols are the ABI. Exported, @f and its wrapper could
    // interpose or be interposed by the host program's symbols (a function
    // named `main`, `free`, ...), so definitions become internal.
    for (StringRef name : {StringRef(ciface), StringRef(sig.name)})
      if (auto func = module.lookupSymbol<LLVM::LLVMFuncOp>(name))
        if (!func.isExternal())
          func.setLinkage(LLVM::Linkage::Internal);
    return success();
  }

private:
  Value constant(int64_t v) {
    auto [it, inserted] = constants.try_emplace(v, Value());
    if (inserted) {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(entry);
      it->second = LLVM::ConstantOp::create(b, i64Ty, v);
    }
    return it->second;
  }

  Value materialize(Size s) { return s.value ? s.value : constant(s.constant); }

  Size mul(Size x, Size y) {
    if (!x.value && !y.value)
      return {x.constant * y.constant, {}};
    if (!x.value && x.constant == 1)
      return y;
    if (!y.value && y.constant == 1)
      return x;
    return {0, LLVM::MulOp::create(b, materialize(x), materialize(y))};
  }

  Value i1Constant(bool v) { return LLVM::ConstantOp::create(b, i1Ty, v); }

  /// i1 that is true when the byte size of `t` does not fit in int64, given
  /// non-negative sizes; null when it always fits or an identical product was
  /// already checked. Fails when a static shape alone overflows.
  FailureOr<Value> overflows(const TensorSig &t, ArrayRef<Value> sizes) {
    int64_t factor = getElementBytes(t.type.getElementType());
    SmallVector<int64_t> key;
    for (auto [size, sym] : llvm::zip(t.type.getShape(), t.symbols)) {
      if (sym >= 0) {
        key.push_back(sym);
        continue;
      }
      if (llvm::MulOverflow(factor, size, factor))
        return module.emitError() << "the byte size of " << t.name << " ("
                                  << t.type << ") overflows int64";
    }
    if (key.empty() || factor == 0)
      return Value();
    llvm::sort(key);
    key.push_back(factor);
    if (!checkedProducts.insert(key).second)
      return Value();
    key.pop_back();
    SmallVector<Value> dynamic =
        llvm::map_to_vector(key, [&](int64_t sym) { return sizes[sym]; });
    // product * s with umul.with.overflow; an intermediate overflow does not
    // count when a later size is 0, and the product must not exceed INT64_MAX.
    auto pairTy =
        LLVM::LLVMStructType::getLiteral(b.getContext(), {i64Ty, i1Ty});
    Value product = constant(factor), anyOverflow, anyZero;
    for (Value s : dynamic) {
      Value r = LLVM::UMulWithOverflowOp::create(b, pairTy, product, s);
      product = LLVM::ExtractValueOp::create(b, r, ArrayRef<int64_t>{0});
      Value o = LLVM::ExtractValueOp::create(b, r, ArrayRef<int64_t>{1});
      Value z =
          LLVM::ICmpOp::create(b, LLVM::ICmpPredicate::eq, s, constant(0));
      anyOverflow = anyOverflow ? LLVM::OrOp::create(b, anyOverflow, o) : o;
      anyZero = anyZero ? LLVM::OrOp::create(b, anyZero, z) : z;
    }
    Value notZero = LLVM::XOrOp::create(b, anyZero, i1Constant(true));
    Value wrapped = LLVM::AndOp::create(b, anyOverflow, notZero);
    Value tooLarge =
        LLVM::ICmpOp::create(b, LLVM::ICmpPredicate::ugt, product,
                             constant(std::numeric_limits<int64_t>::max()));
    return Value(LLVM::OrOp::create(b, wrapped, tooLarge));
  }

  /// Stores the memref descriptor of `t` at `desc`: allocated = aligned =
  /// `data`, offset 0, row-major strides.
  void storeDescriptor(const TensorSig &t, Value data, ArrayRef<Value> sizes,
                       Value desc, Type descTy) {
    Value d = LLVM::PoisonOp::create(b, descTy);
    d = LLVM::InsertValueOp::create(b, d, data, ArrayRef<int64_t>{0});
    d = LLVM::InsertValueOp::create(b, d, data, ArrayRef<int64_t>{1});
    d = LLVM::InsertValueOp::create(b, d, constant(0), ArrayRef<int64_t>{2});
    int64_t rank = t.type.getRank();
    Size stride{1, {}};
    for (int64_t i = rank - 1; i >= 0; --i) {
      Size size = t.symbols[i] >= 0 ? Size{0, sizes[t.symbols[i]]}
                                    : Size{t.type.getDimSize(i), {}};
      d = LLVM::InsertValueOp::create(b, d, materialize(size),
                                      ArrayRef<int64_t>{3, i});
      d = LLVM::InsertValueOp::create(b, d, materialize(stride),
                                      ArrayRef<int64_t>{4, i});
      if (i > 0)
        stride = mul(stride, size);
    }
    LLVM::StoreOp::create(b, d, desc);
  }

  Type descriptorType(int64_t rank) {
    SmallVector<Type> fields = {ptrTy, ptrTy, i64Ty};
    if (rank > 0) {
      auto array = LLVM::LLVMArrayType::get(i64Ty, rank);
      fields.append({array, array});
    }
    return LLVM::LLVMStructType::getLiteral(b.getContext(), fields);
  }

  /// The runtime function `name` of type `type`, declared once.
  LLVM::LLVMFuncOp runtimeFunction(StringRef name,
                                   LLVM::LLVMFunctionType type) {
    if (auto existing = module.lookupSymbol<LLVM::LLVMFuncOp>(name))
      return existing;
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(module.getBody());
    return LLVM::LLVMFuncOp::create(b, name, type);
  }

  LLVM::LLVMFuncOp buildPacked(StringRef name, LLVM::LLVMFuncOp callee) {
    SmallVector<Type> params = {ptrTy, ptrTy};
    if (!chip.empty())
      params.push_back(ptrTy); // the stream
    auto func = LLVM::LLVMFuncOp::create(
        b, name, LLVM::LLVMFunctionType::get(i32Ty, params));
    OpBuilder::InsertionGuard guard(b);
    entry = func.addEntryBlock(b);
    constants.clear();
    checkedProducts.clear();
    Value pointers = func.getArgument(0), sizesPtr = func.getArgument(1);

    SmallVector<const TensorSig *> tensors;
    for (const TensorSig &t : sig.args)
      tensors.push_back(&t);
    for (const TensorSig &t : sig.results)
      tensors.push_back(&t);

    // Descriptors live in the entry block so that they are static allocas.
    b.setInsertionPointToEnd(entry);
    SmallVector<Value> descs;
    SmallVector<Type> descTys;
    for (const TensorSig *t : tensors) {
      descTys.push_back(descriptorType(t->type.getRank()));
      descs.push_back(
          LLVM::AllocaOp::create(b, ptrTy, descTys.back(), constant(1)));
    }
    if (hasStatus) {
      statusWord = LLVM::AllocaOp::create(b, ptrTy, i32Ty, constant(1));
      statusDesc =
          LLVM::AllocaOp::create(b, ptrTy, descriptorType(0), constant(1));
    }

    // Validation: every size >= 0, then every byte size fits in int64.
    SmallVector<Value> sizes;
    Value bad;
    auto orBad = [&](Value v) {
      bad = bad ? Value(LLVM::OrOp::create(b, bad, v)) : v;
    };
    for (size_t k = 0; k < sig.sizeLabels.size(); ++k) {
      Value addr = LLVM::GEPOp::create(b, ptrTy, i64Ty, sizesPtr,
                                       ArrayRef<LLVM::GEPArg>{int32_t(k)});
      sizes.push_back(LLVM::LoadOp::create(b, i64Ty, addr));
      orBad(LLVM::ICmpOp::create(b, LLVM::ICmpPredicate::slt, sizes.back(),
                                 constant(0)));
    }
    for (const TensorSig *t : tensors) {
      FailureOr<Value> o = overflows(*t, sizes);
      if (failed(o)) {
        func.erase();
        return {};
      }
      if (*o)
        orBad(*o);
    }
    if (bad) {
      Block *fail = func.addBlock(), *call = func.addBlock();
      LLVM::CondBrOp::create(b, bad, fail, call);
      b.setInsertionPointToEnd(fail);
      LLVM::ReturnOp::create(b, LLVM::ConstantOp::create(b, i32Ty, 1));
      b.setInsertionPointToEnd(call);
    }
    for (auto [i, t] : llvm::enumerate(tensors)) {
      Value addr = LLVM::GEPOp::create(b, ptrTy, ptrTy, pointers,
                                       ArrayRef<LLVM::GEPArg>{int32_t(i)});
      Value data = LLVM::LoadOp::create(b, ptrTy, addr);
      storeDescriptor(*t, data, sizes, descs[i], descTys[i]);
    }
    if (chip.empty() && !hasStatus) {
      LLVM::CallOp::create(b, callee, descs);
      LLVM::ReturnOp::create(b, LLVM::ConstantOp::create(b, i32Ty, 0));
      return func;
    }
    if (chip.empty()) {
      // The status starts at 0; the call sets it to 1 when an allocation
      // failed, and the entry then returns 3.
      Value zero = LLVM::ConstantOp::create(b, i32Ty, 0);
      LLVM::StoreOp::create(b, zero, statusWord);
      Value d = LLVM::PoisonOp::create(b, descriptorType(0));
      d = LLVM::InsertValueOp::create(b, d, statusWord, ArrayRef<int64_t>{0});
      d = LLVM::InsertValueOp::create(b, d, statusWord, ArrayRef<int64_t>{1});
      d = LLVM::InsertValueOp::create(b, d, constant(0), ArrayRef<int64_t>{2});
      LLVM::StoreOp::create(b, d, statusDesc);
      SmallVector<Value> operands(descs);
      operands.push_back(statusDesc);
      LLVM::CallOp::create(b, callee, operands);
      Value failed = LLVM::ICmpOp::create(
          b, LLVM::ICmpPredicate::ne,
          LLVM::LoadOp::create(b, i32Ty, statusWord), zero);
      LLVM::ReturnOp::create(
          b, LLVM::SelectOp::create(
                 b, failed, LLVM::ConstantOp::create(b, i32Ty, 3), zero));
      return func;
    }
    // CUDA: the launches of the call go to the caller's stream, and any
    // CUDA failure among them becomes status 2 (the CUDA runtime library
    // of lib/Runtime records it).
    auto voidTy = LLVM::LLVMVoidType::get(b.getContext());
    LLVM::LLVMFuncOp begin = runtimeFunction(
        "attnCudaBeginCall", LLVM::LLVMFunctionType::get(voidTy, {ptrTy}));
    LLVM::LLVMFuncOp end = runtimeFunction(
        "attnCudaEndCall", LLVM::LLVMFunctionType::get(i32Ty, {}));
    LLVM::CallOp::create(b, begin, ValueRange{func.getArgument(2)});
    LLVM::CallOp::create(b, callee, descs);
    LLVM::ReturnOp::create(
        b, LLVM::CallOp::create(b, end, ValueRange{}).getResult());
    return func;
  }

  /// Stores `values` into a stack array of `elemTy`; null when empty.
  Value stackArray(Type elemTy, ValueRange values) {
    if (values.empty())
      return LLVM::ZeroOp::create(b, ptrTy);
    auto arrayTy = LLVM::LLVMArrayType::get(elemTy, values.size());
    Value array = LLVM::AllocaOp::create(b, ptrTy, arrayTy, constant(1));
    for (auto [i, v] : llvm::enumerate(values)) {
      Value addr = LLVM::GEPOp::create(b, ptrTy, arrayTy, array,
                                       ArrayRef<LLVM::GEPArg>{0, int32_t(i)});
      LLVM::StoreOp::create(b, v, addr);
    }
    return array;
  }

  void buildTyped(StringRef name, LLVM::LLVMFuncOp packed) {
    size_t numTensors = sig.args.size() + sig.results.size();
    SmallVector<Type> params(numTensors, ptrTy);
    params.append(sig.sizeLabels.size(), i64Ty);
    if (!chip.empty())
      params.push_back(ptrTy); // the stream
    auto func = LLVM::LLVMFuncOp::create(
        b, name, LLVM::LLVMFunctionType::get(i32Ty, params));
    OpBuilder::InsertionGuard guard(b);
    entry = func.addEntryBlock(b);
    constants.clear();
    b.setInsertionPointToEnd(entry);
    ValueRange args = func.getArguments();
    Value pointers = stackArray(ptrTy, args.take_front(numTensors));
    Value sizes = stackArray(
        i64Ty, args.drop_front(numTensors).take_front(sig.sizeLabels.size()));
    SmallVector<Value> forwarded = {pointers, sizes};
    if (!chip.empty())
      forwarded.push_back(args.back());
    auto result = LLVM::CallOp::create(b, packed, forwarded);
    LLVM::ReturnOp::create(b, result.getResult());
  }

  void buildManifest(StringRef name) {
    std::string text = formatManifest(sig);
    if (!chip.empty()) {
      // The target line follows the function line (docs/abi.md).
      std::string functionLine = "function " + sig.name + "\n";
      size_t at = text.find(functionLine);
      if (at != std::string::npos)
        text.insert(at + functionLine.size(),
                    "target cuda " + chip.str() + "\n");
    }
    text.push_back('\0');
    auto type = LLVM::LLVMArrayType::get(b.getI8Type(), text.size());
    LLVM::GlobalOp::create(b, type, /*isConstant=*/true,
                           LLVM::Linkage::External, name,
                           b.getStringAttr(text));
  }

  ModuleOp module;
  const FunctionSig &sig;
  StringRef chip;
  ImplicitLocOpBuilder b;
  Type ptrTy, i1Ty, i32Ty, i64Ty;
  Block *entry = nullptr;
  std::map<int64_t, Value> constants;
  /// Sorted symbols + byte factor of the products already checked.
  std::set<SmallVector<int64_t>>
      checkedProducts; // DenseMap reserves INT64_MAX.
  /// The callee takes the allocation status; its word and descriptor, on
  /// the packed entry's stack.
  bool hasStatus = false;
  Value statusWord, statusDesc;
};

struct AttnEmitCInterfacePass
    : mlir::attn::impl::AttnEmitCInterfaceBase<AttnEmitCInterfacePass> {
  using AttnEmitCInterfaceBase::AttnEmitCInterfaceBase;
  void runOnOperation() override {
    ModuleOp module = getOperation();
    FailureOr<std::vector<FunctionSig>> sigs = readAbi(module);
    if (failed(sigs))
      return signalPassFailure();
    for (const FunctionSig &sig : *sigs)
      if (failed(EntryBuilder(module, sig, cudaChip).emit()))
        return signalPassFailure();
    // The header was written from the attribute before lowering; nothing
    // after this pass reads it, nor the tensor names it was built from
    // (func-to-llvm copied them onto the LLVM functions, whose translation
    // would warn about them).
    module->removeAttr(kAbiAttrName);
    auto name = StringAttr::get(&getContext(), kNameAttrName);
    module.walk([&](LLVM::LLVMFuncOp func) {
      for (unsigned i = 0; i < func.getNumArguments(); ++i)
        func.removeArgAttr(i, name);
      for (unsigned i = 0; i < func.getNumResults(); ++i)
        func.removeResultAttr(i, name);
    });
  }
};
} // namespace
