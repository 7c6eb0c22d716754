//===- AbiAttr.cpp - attn.abi attribute and manifest ----------------------===//
//
// Conversion between FunctionSig and the `attn.abi` dictionary, and the
// manifest text. The reader validates everything the consumers index with,
// since the attribute may have been written (or edited) by hand.
//
//===----------------------------------------------------------------------===//

#include "attn/Dialect/Attn/Transforms/AbiSignature.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::abi;

std::optional<StringRef> abi::getDTypeName(Type t) {
  if (t.isF32())
    return StringRef("f32");
  if (t.isF16())
    return StringRef("f16");
  if (t.isBF16())
    return StringRef("bf16");
  if (isa<Float8E4M3FNType>(t))
    return StringRef("f8e4m3fn");
  if (t.isF64())
    return StringRef("f64");
  for (unsigned width : {1u, 8u, 32u, 64u})
    if (t.isSignlessInteger(width))
      return StringRef(width == 1    ? "i1"
                       : width == 8  ? "i8"
                       : width == 32 ? "i32"
                                     : "i64");
  return std::nullopt;
}

int64_t abi::getElementBytes(Type t) {
  unsigned bits = t.getIntOrFloatBitWidth();
  return bits < 8 ? 1 : bits / 8;
}

bool abi::isCIdentifier(StringRef name) {
  if (name.empty() || llvm::isDigit(name.front()))
    return false;
  return llvm::all_of(name,
                      [](char c) { return llvm::isAlnum(c) || c == '_'; });
}

bool abi::isManifestName(StringRef name) {
  return !name.empty() && llvm::all_of(name, [](char c) {
    return llvm::isPrint(c) && c != ' ';
  });
}

static DictionaryAttr tensorToAttr(Builder &b, const TensorSig &t) {
  return b.getDictionaryAttr({
      b.getNamedAttr("name", b.getStringAttr(t.name)),
      b.getNamedAttr("type", TypeAttr::get(t.type)),
      b.getNamedAttr("symbols", b.getDenseI64ArrayAttr(t.symbols)),
  });
}

DictionaryAttr abi::toAttr(MLIRContext *context, const FunctionSig &sig) {
  Builder b(context);
  auto tensors = [&](ArrayRef<TensorSig> list) {
    return b.getArrayAttr(
        llvm::map_to_vector(list, [&](const TensorSig &t) -> Attribute {
          return tensorToAttr(b, t);
        }));
  };
  SmallVector<StringRef> labels(sig.sizeLabels.begin(), sig.sizeLabels.end());
  return b.getDictionaryAttr({
      b.getNamedAttr("args", tensors(sig.args)),
      b.getNamedAttr("results", tensors(sig.results)),
      b.getNamedAttr("sizes", b.getStrArrayAttr(labels)),
  });
}

namespace {
/// Reads one function entry; `error()` reports on the module.
struct EntryReader {
  ModuleOp module;
  StringRef function;

  InFlightDiagnostic error() {
    return module.emitError() << "malformed " << kAbiAttrName << " entry for '"
                              << function << "': ";
  }

  LogicalResult readTensor(Attribute attr, size_t numSizes, TensorSig &out) {
    auto dict = dyn_cast<DictionaryAttr>(attr);
    auto name = dict ? dict.getAs<StringAttr>("name") : StringAttr();
    auto type = dict ? dict.getAs<TypeAttr>("type") : TypeAttr();
    auto symbols =
        dict ? dict.getAs<DenseI64ArrayAttr>("symbols") : DenseI64ArrayAttr();
    if (!name || !type || !symbols)
      return error() << "expected {name, type, symbols}, got " << attr;
    if (!isManifestName(name.getValue()))
      return error() << "tensor name " << name
                     << " is empty or has spaces or control characters";
    auto tensor = dyn_cast<RankedTensorType>(type.getValue());
    if (!tensor || !getDTypeName(tensor.getElementType()))
      return error() << "unsupported tensor type " << type;
    if (symbols.size() != tensor.getRank())
      return error() << "expected " << tensor.getRank() << " symbols for "
                     << tensor;
    for (auto [size, sym] : llvm::zip(tensor.getShape(), symbols.asArrayRef()))
      if (ShapedType::isDynamic(size) != (sym >= 0) ||
          sym >= static_cast<int64_t>(numSizes) || (sym < 0 && sym != -1))
        return error() << "symbols " << symbols << " do not match " << tensor
                       << " with " << numSizes << " sizes";
    out = {name.str(), tensor, SmallVector<int64_t>(symbols.asArrayRef())};
    return success();
  }

  LogicalResult read(Attribute attr, FunctionSig &sig) {
    auto dict = dyn_cast<DictionaryAttr>(attr);
    auto args = dict ? dict.getAs<ArrayAttr>("args") : ArrayAttr();
    auto results = dict ? dict.getAs<ArrayAttr>("results") : ArrayAttr();
    auto sizes = dict ? dict.getAs<ArrayAttr>("sizes") : ArrayAttr();
    if (!args || !results || !sizes)
      return error() << "expected {args, results, sizes}";
    if (!isCIdentifier(function))
      return error() << "the function name is not a C identifier";
    sig.name = function.str();
    for (Attribute label : sizes) {
      auto str = dyn_cast<StringAttr>(label);
      if (!str)
        return error() << "size labels must be strings";
      sig.sizeLabels.push_back(str.str());
    }
    for (auto [list, out] :
         {std::pair{args, &sig.args}, {results, &sig.results}})
      for (Attribute t : list)
        if (failed(readTensor(t, sizes.size(), out->emplace_back())))
          return failure();
    return success();
  }
};
} // namespace

FailureOr<std::vector<FunctionSig>> abi::readAbi(ModuleOp module) {
  auto dict = module->getAttrOfType<DictionaryAttr>(kAbiAttrName);
  if (!dict)
    return module.emitError()
           << "expected a dictionary attribute '" << kAbiAttrName
           << "' on the module: run attn-abi-signature first";
  std::vector<FunctionSig> sigs;
  for (NamedAttribute entry : dict) {
    EntryReader reader{module, entry.getName().strref()};
    if (failed(reader.read(entry.getValue(), sigs.emplace_back())))
      return failure();
  }
  return sigs;
}

static void printTensor(llvm::raw_ostream &os, StringRef kind, size_t index,
                        const TensorSig &t) {
  os << kind << ' ' << index << ' ' << t.name << ' '
     << *getDTypeName(t.type.getElementType()) << ' ' << t.type.getRank();
  for (auto [size, sym] : llvm::zip(t.type.getShape(), t.symbols)) {
    if (sym >= 0)
      os << " s" << sym;
    else
      os << ' ' << size;
  }
  os << '\n';
}

std::string abi::formatManifest(const FunctionSig &sig) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "attn-abi " << kManifestVersion << '\n';
  os << "function " << sig.name << '\n';
  os << "sizes " << sig.sizeLabels.size() << '\n';
  for (auto [k, label] : llvm::enumerate(sig.sizeLabels))
    os << "size " << k << ' ' << label << '\n';
  for (auto [i, t] : llvm::enumerate(sig.args))
    printTensor(os, "arg", i, t);
  for (auto [i, t] : llvm::enumerate(sig.results))
    printTensor(os, "result", i, t);
  os << "end\n";
  return text;
}
