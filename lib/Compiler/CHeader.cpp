//===- CHeader.cpp - C header of a compiled module ------------------------===//

#include "attn/Compiler/CHeader.h"

#include "attn/Dialect/Attn/Transforms/AbiSignature.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/xxhash.h"

using namespace mlir;
using namespace mlir::attn::abi;

namespace {
/// C type of one element (docs/abi.md). C has no 16- or 8-bit float types
/// that every compiler takes, so those travel as their bit patterns.
StringRef cElementType(Type t) {
  StringRef dtype = *getDTypeName(t);
  return llvm::StringSwitch<StringRef>(dtype)
      .Case("f32", "float")
      .Case("f64", "double")
      .Cases({"f16", "bf16"}, "uint16_t")
      .Cases({"f8e4m3fn", "i1"}, "uint8_t")
      .Case("i8", "int8_t")
      .Case("i32", "int32_t")
      .Default("int64_t");
}

bool isReserved(StringRef name) {
  // C and C++ keywords, and names the header itself uses.
  static const llvm::StringSet<> words = {
      "alignas",   "alignof",  "and",      "asm",      "auto",      "bool",
      "break",     "case",     "catch",    "char",     "class",     "const",
      "constexpr", "continue", "decltype", "default",  "delete",    "do",
      "double",    "else",     "enum",     "explicit", "export",    "extern",
      "false",     "float",    "for",      "friend",   "goto",      "if",
      "inline",    "int",      "long",     "mutable",  "namespace", "new",
      "noexcept",  "not",      "nullptr",  "operator", "or",        "private",
      "protected", "public",   "register", "restrict", "return",    "short",
      "signed",    "sizeof",   "static",   "struct",   "switch",    "template",
      "this",      "throw",    "true",     "try",      "typedef",   "typename",
      "union",     "unsigned", "using",    "virtual",  "void",      "volatile",
      "while",     "xor",      "pointers", "sizes"};
  return words.contains(name);
}

/// Gives each parameter of one prototype a distinct C identifier.
class ParamNames {
public:
  std::string get(StringRef raw) {
    std::string name;
    for (char c : raw)
      name.push_back(llvm::isAlnum(c) ? c : '_');
    // `_X` and `__` are reserved; digits cannot start an identifier.
    if (name.empty() || !llvm::isAlpha(name.front()))
      name = "t" + name;
    while (isReserved(name) || !used.insert(name).second)
      name += "_";
    return name;
  }

private:
  llvm::StringSet<> used;
};

/// Writes `/* text */`, wrapped at 80 columns.
void emitComment(StringRef text, llvm::raw_ostream &os) {
  SmallVector<StringRef> words;
  text.split(words, ' ');
  size_t column = 2;
  os << "/*";
  for (StringRef word : words) {
    if (column + 1 + word.size() > 76) {
      os << "\n  ";
      column = 2;
    }
    os << ' ' << word;
    column += 1 + word.size();
  }
  os << " */\n";
}

std::string includeGuard(ArrayRef<FunctionSig> sigs) {
  std::string names;
  for (const FunctionSig &sig : sigs)
    names += "_" + sig.name;
  if (names.empty())
    names = "_EMPTY";
  // Symbols are attn_<name>, so two headers with the same functions declare
  // the same things and may share a guard.
  if (names.size() > 48)
    names = "_" + llvm::utohexstr(llvm::xxh3_64bits(names));
  return "ATTN" + llvm::StringRef(names).upper() + "_H";
}

void emitFunction(const FunctionSig &sig, bool cuda, llvm::raw_ostream &os) {
  ParamNames names;
  SmallVector<std::string> tensorNames, sizeNames;
  for (const TensorSig &t : sig.args)
    tensorNames.push_back(names.get(t.name));
  for (const TensorSig &t : sig.results)
    tensorNames.push_back(names.get(t.name));
  for (StringRef label : sig.sizeLabels)
    sizeNames.push_back(names.get(label));

  size_t width = 0;
  for (StringRef n : llvm::concat<std::string>(tensorNames, sizeNames))
    width = std::max(width, n.size());
  auto pad = [&](StringRef s) {
    return s.str() + std::string(width - s.size() + 2, ' ');
  };

  std::string prefix = "attn_" + sig.name;
  os << "/*\n * " << sig.name << "\n *\n";
  if (!sig.sizeLabels.empty()) {
    os << " * Sizes (one per independent dynamic dimension):\n";
    for (auto [k, name] : llvm::enumerate(sizeNames))
      os << " *   " << pad(name) << "s" << k << ", first " << sig.sizeLabels[k]
         << "\n";
    os << " *\n";
  }
  if (!tensorNames.empty()) {
    os << " * Tensors (dense, row-major, allocated by the caller):\n";
    size_t i = 0;
    auto tensor = [&](const TensorSig &t, StringRef kind, size_t index) {
      os << " *   " << pad(tensorNames[i++])
         << llvm::left_justify(*getDTypeName(t.type.getElementType()), 4)
         << " [";
      llvm::interleaveComma(llvm::zip(t.type.getShape(), t.symbols), os,
                            [&](auto dim) {
                              auto [size, sym] = dim;
                              if (sym >= 0)
                                os << sizeNames[sym];
                              else
                                os << size;
                            });
      os << "]  " << kind << " " << index << "\n";
    };
    for (auto [k, t] : llvm::enumerate(sig.args))
      tensor(t, "argument", k);
    for (auto [k, t] : llvm::enumerate(sig.results))
      tensor(t, "result", k);
    os << " *\n";
  }
  os << " * Returns 0 on success, 1 when a size is negative or the byte size "
        "of a\n * tensor overflows int64_t; nothing is read or written then.\n";
  if (!cuda)
    os << " * Returns 3 when a heap allocation failed (out of memory); the "
          "results are\n * unspecified then.\n";
  os << " */\n";

  // Typed entry.
  SmallVector<std::string> params;
  size_t i = 0;
  for (const TensorSig &t : sig.args)
    params.push_back(("const " + cElementType(t.type.getElementType()) + " *" +
                      tensorNames[i++])
                         .str());
  for (const TensorSig &t : sig.results)
    params.push_back(
        (cElementType(t.type.getElementType()) + " *" + tensorNames[i++])
            .str());
  for (StringRef n : sizeNames)
    params.push_back(("int64_t " + n).str());
  if (cuda)
    params.push_back("void *stream");
  std::string head = "int32_t " + prefix + "(";
  os << head;
  if (params.empty())
    os << "void";
  size_t column = head.size();
  for (auto [k, p] : llvm::enumerate(params)) {
    std::string piece = p + (k + 1 < params.size() ? "," : "");
    if (k > 0) {
      if (column + 1 + piece.size() > 79) {
        os << "\n" << std::string(head.size(), ' ');
        column = head.size();
      } else {
        os << " ";
        ++column;
      }
    }
    os << piece;
    column += piece.size();
  }
  os << ");\n";

  // Packed entry and manifest.
  auto list = [](ArrayRef<std::string> items) {
    return items.empty() ? std::string("unused")
                         : "{" + llvm::join(items, ", ") + "}";
  };
  emitComment("pointers[] = " + list(tensorNames) +
                  "; sizes[] = " + list(sizeNames) + ".",
              os);
  os << "int32_t " << prefix << "_packed(void **pointers, const int64_t *sizes"
     << (cuda ? ", void *stream" : "") << ");\n";
  os << "/* NUL-terminated signature text (docs/abi.md). */\n";
  os << "extern const char " << prefix << "_manifest[];\n\n";
}
} // namespace

namespace attn {
LogicalResult emitCHeader(ModuleOp module, llvm::raw_ostream &os, bool cuda) {
  FailureOr<std::vector<FunctionSig>> sigs = readAbi(module);
  if (failed(sigs))
    return failure();
  std::string guard = includeGuard(*sigs);
  os << "/* Generated by the attn compiler: C entry points of a compiled\n"
        "   module (docs/abi.md). Do not edit. */\n\n";
  os << "#ifndef " << guard << "\n#define " << guard << "\n\n";
  os << "#include <stdint.h>\n\n";
  if (cuda)
    os << "/* CUDA entry points: every pointer is a device pointer and the\n"
          "   kernels are launched on `stream` (a CUstream; NULL is the "
          "default\n"
          "   stream), asynchronously. Status 2: a CUDA error, described by\n"
          "   attnCudaLastError() of the CUDA runtime library. */\n\n";
  os << "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n";
  for (const FunctionSig &sig : *sigs)
    emitFunction(sig, cuda, os);
  os << "#ifdef __cplusplus\n} /* extern \"C\" */\n#endif\n\n";
  os << "#endif /* " << guard << " */\n";
  return success();
}
} // namespace attn
