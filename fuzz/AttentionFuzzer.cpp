//===- AttentionFuzzer.cpp - libFuzzer target: generated attn.attention ---===//
//
// attn-fuzz-attention: the input bytes drive a generator of one
// attn.attention op (and its function): element types, static, dynamic and
// mismatched sizes, every score function, normaliser, mask, bias and
// position term, attribute values (zero, negative, NaN, huge), lse, and
// score_mod / mask_mod bodies built from arith and math ops. Most inputs
// verify, so the verifier's every rule and the lowering behind it are
// exercised, which random text rarely reaches. The text then goes through
// the same parse, verify and lowering as attn-fuzz-ir (IRPipeline.cpp).
//
// Head dimensions, key tiles' worth of relative positions and the like stay
// moderate: attn-tile unrolls over them (docs/robustness.md, known limits).
//
//===----------------------------------------------------------------------===//

#include "IRPipeline.h"

#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

class Generator {
public:
  explicit Generator(FuzzedDataProvider &p) : p(p) {}

  std::string generate();

private:
  template <typename T> T pick(std::initializer_list<T> values) {
    return *(values.begin() +
             p.ConsumeIntegralInRange<size_t>(0, values.size() - 1));
  }
  bool chance(int percent) {
    return p.ConsumeIntegralInRange<int>(0, 99) < percent;
  }
  /// A dimension: usually `expected`, sometimes dynamic, rarely another size.
  std::string dim(int64_t expected, bool mayBeDynamic) {
    if (mayBeDynamic && chance(30))
      return "?";
    if (chance(3))
      return std::to_string(pick<int64_t>({0, 1, 2, 3, 7, 65, 1 << 20}));
    return expected < 0 ? "?" : std::to_string(expected);
  }
  std::string floatValue() {
    return pick<const char *>({"0.125", "1.0", "2.0", "0.0", "-1.0", "1.0e+30",
                               "1.0e-30", "0x7FC00000", "0x7F800000",
                               "0xFF800000", "50.0", "40.0", "41.0"});
  }
  std::string tensor(const std::vector<std::string> &dims,
                     const std::string &elem) {
    std::string t = "tensor<";
    for (const std::string &d : dims)
      t += d + "x";
    return t + elem + ">";
  }
  /// A shape of the expected rank and sizes (usually), mutated rarely.
  std::vector<std::string> shape(std::vector<int64_t> expected,
                                 std::vector<bool> dynamicOk) {
    if (chance(2) && !expected.empty())
      expected.pop_back();
    else if (chance(2))
      expected.push_back(1);
    std::vector<std::string> dims;
    for (size_t i = 0; i < expected.size(); ++i)
      dims.push_back(dim(expected[i], i < dynamicOk.size() && dynamicOk[i]));
    return dims;
  }
  std::string elemOr(const std::string &elem) {
    return chance(3)
               ? pick<const char *>({"f32", "f16", "bf16", "f64", "i1", "i32"})
               : elem;
  }
  std::string region(bool scoreMod);

  FuzzedDataProvider &p;
  std::vector<std::string> args;
  std::vector<std::string> argTypes;
  int numValues = 0;
};

std::string Generator::region(bool scoreMod) {
  // Values by type: the block arguments, then what the body defines.
  std::vector<std::string> f32s, indices = {"%b", "%h", "%i", "%j"}, i64s, i1s;
  std::string body;
  if (scoreMod)
    f32s.push_back("%s");
  auto fresh = [&] { return "%r" + std::to_string(numValues++); };
  auto any = [&](std::vector<std::string> &list) {
    return list[p.ConsumeIntegralInRange<size_t>(0, list.size() - 1)];
  };
  int ops = p.ConsumeIntegralInRange<int>(0, 8);
  for (int n = 0; n < ops; ++n) {
    std::string r = fresh();
    switch (p.ConsumeIntegralInRange<int>(0, 9)) {
    case 0:
      body += r + " = arith.constant " + floatValue() + " : f32\n";
      f32s.push_back(r);
      break;
    case 1:
      if (f32s.empty())
        break;
      body += r + " = " +
              pick<const char *>({"arith.addf", "arith.mulf", "arith.subf",
                                  "arith.maximumf", "arith.divf"}) +
              " " + any(f32s) + ", " + any(f32s) + " : f32\n";
      f32s.push_back(r);
      break;
    case 2:
      if (f32s.empty())
        break;
      body += r + " = " +
              pick<const char *>({"math.tanh", "math.exp", "math.absf",
                                  "arith.negf", "math.sqrt"}) +
              " " + any(f32s) + " : f32\n";
      f32s.push_back(r);
      break;
    case 3:
      body += r + " = arith.index_cast " + any(indices) + " : index to i64\n";
      i64s.push_back(r);
      break;
    case 4:
      if (i64s.empty())
        break;
      body += r + " = arith.sitofp " + any(i64s) + " : i64 to f32\n";
      f32s.push_back(r);
      break;
    case 5:
      body += r + " = " +
              pick<const char *>({"arith.subi", "arith.addi", "arith.muli",
                                  "arith.remui", "arith.maxsi"}) +
              " " + any(indices) + ", " + any(indices) + " : index\n";
      indices.push_back(r);
      break;
    case 6:
      body += r + " = arith.constant " +
              std::to_string(pick<int64_t>({0, 1, 3, 16, -1, 1LL << 40})) +
              " : index\n";
      indices.push_back(r);
      break;
    case 7:
      body += r + " = arith.cmpi " +
              pick<const char *>({"sle", "slt", "sge", "ne", "eq", "ule"}) +
              ", " + any(indices) + ", " + any(indices) + " : index\n";
      i1s.push_back(r);
      break;
    case 8:
      if (i1s.empty())
        break;
      body += r + " = " +
              pick<const char *>({"arith.andi", "arith.ori", "arith.xori"}) +
              " " + any(i1s) + ", " + any(i1s) + " : i1\n";
      i1s.push_back(r);
      break;
    case 9:
      if (i1s.empty() || f32s.empty())
        break;
      body += r + " = arith.select " + any(i1s) + ", " + any(f32s) + ", " +
              any(f32s) + " : f32\n";
      f32s.push_back(r);
      break;
    }
  }
  std::string text = scoreMod ? " score_mod {\n^bb0(%s: f32, %b: index, %h: "
                                "index, %i: index, %j: index):\n"
                              : " mask_mod {\n^bb0(%b: index, %h: index, %i: "
                                "index, %j: index):\n";
  text += body;
  if (scoreMod) {
    text += "attn.yield " + any(f32s) + " : f32\n}";
  } else {
    if (i1s.empty()) {
      text += "%t = arith.cmpi sle, %j, %i : index\n";
      i1s.push_back("%t");
    }
    text += "attn.yield " + any(i1s) + " : i1\n}";
  }
  return text;
}

std::string Generator::generate() {
  std::string elem = pick<const char *>({"f32", "f32", "f16", "bf16"});
  int64_t b = chance(40) ? -1 : p.ConsumeIntegralInRange<int64_t>(1, 3);
  int64_t hkv = p.ConsumeIntegralInRange<int64_t>(1, 3);
  int64_t hq = hkv * p.ConsumeIntegralInRange<int64_t>(1, 3);
  int64_t sq = chance(50) ? -1 : p.ConsumeIntegralInRange<int64_t>(1, 70);
  int64_t skv = chance(50) ? -1 : p.ConsumeIntegralInRange<int64_t>(1, 70);
  int64_t d = pick<int64_t>({1, 2, 3, 4, 8, 16, 17, 32, 64});
  int64_t dv = chance(70) ? d : pick<int64_t>({1, 4, 5, 16, 32, 64});

  std::string score =
      chance(50) ? "dot"
                 : pick<const char *>({"dot", "general", "additive", "cosine",
                                       "neg_l2", "multi_dimensional",
                                       "compositional"});
  std::string norm = chance(50)
                         ? "softmax"
                         : pick<const char *>({"softmax", "sigmoid", "hard",
                                               "topk", "hard_sample", "none"});
  if (score == "multi_dimensional" && chance(80))
    norm = "softmax";
  if (score == "compositional" && chance(80))
    norm = "none";

  std::string text, optional, attrs;
  auto arg = [&](const std::string &type) {
    std::string name = "%a" + std::to_string(args.size());
    args.push_back(name);
    argTypes.push_back(type);
    return name;
  };
  std::string qT =
      tensor(shape({b, hq, sq, d}, {true, false, true, false}), elem);
  std::string kT =
      tensor(shape({b, hkv, skv, d}, {true, false, true, false}), elemOr(elem));
  std::string vT = tensor(shape({b, hkv, skv, dv}, {true, false, true, false}),
                          elemOr(elem));
  std::string oT =
      tensor(shape({b, hq, sq, dv}, {true, false, true, false}), elemOr(elem));
  std::string q = arg(qT), k = arg(kT), v = arg(vT);
  std::vector<bool> dyn4 = {true, true, true, true};
  auto bcast = [&](int64_t full) { return chance(30) ? 1 : full; };

  if (chance(20)) {
    std::string t =
        tensor(shape({bcast(b), bcast(hq), bcast(sq), bcast(skv)}, dyn4),
               chance(95) ? "i1" : "i8");
    optional += " mask(" + arg(t) + " : " + t + ")";
  }
  if (chance(20)) {
    std::string t =
        tensor(shape({bcast(b), bcast(hq), bcast(sq), bcast(skv)}, dyn4),
               chance(50) ? "f32" : elemOr(elem));
    optional += " bias(" + arg(t) + " : " + t + ")";
  }
  if (chance(15)) {
    std::string t = tensor(shape({b}, {true}), chance(95) ? "i32" : "i64");
    optional += " key_lengths(" + arg(t) + " : " + t + ")";
  }
  auto operandGroup = [&](const char *keyword,
                          const std::vector<std::string> &types) {
    if (types.empty())
      return;
    std::string names, list;
    for (const std::string &t : types) {
      names += (names.empty() ? "" : ", ") + arg(t);
      list += (list.empty() ? "" : ", ") + t;
    }
    optional += std::string(" ") + keyword + "(" + names + " : " + list + ")";
  };
  std::string wElem = chance(70) ? "f32" : elemOr(elem);
  std::vector<std::string> scoreOps;
  if (score == "general" || chance(3))
    scoreOps.push_back(tensor(shape({d, d}, {}), wElem));
  if (score == "additive") {
    int64_t a = chance(20) ? -1 : p.ConsumeIntegralInRange<int64_t>(1, 40);
    scoreOps.push_back(tensor(shape({d, a}, {false, true}), wElem));
    scoreOps.push_back(tensor(shape({d, a}, {false, true}), wElem));
    scoreOps.push_back(tensor(shape({a}, {true}), wElem));
  }
  if (score == "multi_dimensional") {
    scoreOps.push_back(tensor(shape({d, dv}, {}), wElem));
    scoreOps.push_back(tensor(shape({d, dv}, {}), wElem));
    scoreOps.push_back(tensor(shape({dv}, {}), wElem));
  }
  operandGroup("score_operands", scoreOps);
  if (norm == "hard_sample" || chance(2))
    operandGroup("normalizer_operands",
                 {tensor(shape({b, hq, sq}, {true, false, true}), "f32")});

  attrs += "score = #attn.score<" + score +
           ">, normalizer = " + "#attn.normalizer<" + norm + ">";
  if (chance(30))
    attrs += ", scale = " + floatValue() + " : f32";
  if (chance(30))
    attrs += ", causal";
  if (chance(15))
    attrs += ", window = array<i64: " +
             std::to_string(pick<int64_t>({0, 1, 16, 64, -1, 1LL << 40})) +
             ", " + std::to_string(pick<int64_t>({0, 1, 3, -1})) + ">";
  if (chance(15))
    attrs += ", alibi";
  if (chance(15))
    attrs += ", softcap = " + floatValue() + " : f32";
  if (norm == "topk" ? chance(95) : chance(2))
    attrs += ", top_k = " +
             std::to_string(pick<int64_t>({1, 2, 8, 70, 1000, 0, -1})) +
             " : i64";
  int position = p.ConsumeIntegralInRange<int>(0, 9);
  if (position == 0) {
    int64_t clip = pick<int64_t>({0, 1, 4, 16, 40, -1});
    int64_t rows = clip < 0 ? 3 : 2 * clip + 1;
    attrs += ", relative_clip = " + std::to_string(clip) + " : i64";
    operandGroup("position_operands",
                 {tensor(shape({rows, d}, {}), chance(80) ? "f32" : elem),
                  tensor(shape({rows, dv}, {}), chance(80) ? "f32" : elem)});
  } else if (position == 1) {
    attrs +=
        ", gaussian_window = " + std::to_string(pick<int64_t>({0, 2, 8, -1})) +
        " : i64, gaussian_sigma = " + floatValue() + " : f32";
    operandGroup("position_operands",
                 {tensor(shape({b, hq, sq}, {true, false, true}), "f32")});
  }

  bool lse = chance(15);
  std::string lseT = tensor(shape({b, hq, sq}, {true, false, true}), "f32");
  std::string results = oT + (lse ? ", " + lseT : "");

  text = "func.func @main(";
  for (size_t i = 0; i < args.size(); ++i)
    text += (i ? ", " : "") + args[i] + ": " + argTypes[i];
  text += ") -> (" + results + ") {\n";
  text += std::string("%o") + (lse ? ":2" : "") + " = attn.attention " + q +
          ", " + k + ", " + v + optional + " {" + attrs + "} : " + qT + ", " +
          kT + ", " + vT + " -> " + results;
  if (chance(20))
    text += region(/*scoreMod=*/true);
  if (chance(20))
    text += region(/*scoreMod=*/false);
  text += "\nreturn " + std::string(lse ? "%o#0, %o#1" : "%o") + " : " +
          results + "\n}\n";
  return text;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv) {
  attn::fuzz::initIRPipeline();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  FuzzedDataProvider provider(data, size);
  std::string text = Generator(provider).generate();
  // ATTN_FUZZ_PRINT=1: show the module of each input (reproducing a crash).
  static const bool print = std::getenv("ATTN_FUZZ_PRINT") != nullptr;
  if (print)
    std::fprintf(stderr, "%s\n", text.c_str());
  attn::fuzz::runIRPipeline(text);
  return 0;
}
