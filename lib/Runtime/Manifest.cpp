//===- Manifest.cpp - Signature description of compiled functions ---------===//

#include "attn/Runtime/Manifest.h"

#include <fmt/format.h>

using namespace attn::runtime;

const char *attn::runtime::getTargetName(Target target) {
  switch (target) {
  case Target::CPU:
    return "cpu";
  case Target::CUDA:
    return "cuda";
  }
  return "?";
}

std::optional<Target> attn::runtime::parseTarget(std::string_view name) {
  for (Target target : {Target::CPU, Target::CUDA})
    if (name == getTargetName(target))
      return target;
  return std::nullopt;
}

/// A CUDA chip as the compiler spells it: "sm_" then the compute capability
/// and at most one feature-set letter ("sm_80", "sm_90a", "sm_120f").
static bool isValidChip(std::string_view chip) {
  if (chip.substr(0, 3) != "sm_")
    return false;
  std::string_view rest = chip.substr(3);
  size_t digits = rest.find_first_not_of("0123456789");
  if (digits == std::string_view::npos)
    digits = rest.size();
  if (digits < 2 || digits > 3 || rest[0] == '0')
    return false;
  std::string_view suffix = rest.substr(digits);
  return suffix.empty() ||
         (suffix.size() == 1 && suffix[0] >= 'a' && suffix[0] <= 'z');
}

namespace {

/// A line-by-line reader of the manifest; errors carry the line number.
class ManifestParser {
public:
  explicit ManifestParser(std::string_view text) : text(text) {}
  Expected<Manifest> parse();

private:
  /// Splits the next line into fields; false at the end of the text.
  bool nextLine();
  Error error(const std::string &what) const {
    return makeError("manifest line ", lineNumber, ": ", what);
  }
  /// Checks that the line is `keyword` followed by `count` fields.
  Status expect(std::string_view keyword, size_t count) const;
  Expected<int64_t> parseNumber(std::string_view field) const;
  Status parseTensor(std::string_view keyword, size_t index, size_t numSymbols,
                     ManifestTensor &tensor) const;
  Status parseTarget(Manifest &manifest) const;

  std::string_view text;
  size_t pos = 0;
  unsigned lineNumber = 0;
  std::vector<std::string_view> fields;
};

} // namespace

bool ManifestParser::nextLine() {
  if (pos >= text.size())
    return false;
  size_t end = text.find('\n', pos);
  if (end == std::string_view::npos)
    end = text.size();
  std::string_view line = text.substr(pos, end - pos);
  pos = end + 1;
  ++lineNumber;
  // Fields are separated by exactly one space, so an empty field (two
  // spaces, or a leading or trailing one) shows up as an error later.
  fields.clear();
  size_t start = 0;
  while (true) {
    size_t space = line.find(' ', start);
    fields.push_back(line.substr(start, space - start));
    if (space == std::string_view::npos)
      break;
    start = space + 1;
  }
  return true;
}

Status ManifestParser::expect(std::string_view keyword, size_t count) const {
  if (fields[0] != keyword)
    return error("expected '" + std::string(keyword) + "', found '" +
                 std::string(fields[0]) + "'");
  for (std::string_view field : fields)
    if (field.empty())
      return error("fields must be separated by exactly one space");
  if (fields.size() != count + 1)
    return error("'" + std::string(keyword) + "' takes " +
                 std::to_string(count) + " fields, found " +
                 std::to_string(fields.size() - 1));
  return Status::success();
}

Expected<int64_t> ManifestParser::parseNumber(std::string_view field) const {
  if (field.empty())
    return error("expected a number, found ''");
  int64_t value = 0;
  for (char c : field) {
    if (c < '0' || c > '9')
      return error("expected a number, found '" + std::string(field) + "'");
    if (value > (INT64_MAX - (c - '0')) / 10)
      return error("number '" + std::string(field) + "' is too large");
    value = value * 10 + (c - '0');
  }
  return value;
}

Status ManifestParser::parseTensor(std::string_view keyword, size_t index,
                                   size_t numSymbols,
                                   ManifestTensor &tensor) const {
  // KEYWORD N NAME DTYPE RANK DIM...
  if (fields.size() < 5)
    return error("'" + std::string(keyword) +
                 "' needs an index, a name, a type and a rank");
  if (Status status = expect(keyword, fields.size() - 1); !status)
    return status;
  Expected<int64_t> rank = parseNumber(fields[4]);
  if (!rank)
    return rank.takeError();
  if (static_cast<uint64_t>(*rank) != fields.size() - 5)
    return error("rank " + std::to_string(*rank) + " but " +
                 std::to_string(fields.size() - 5) + " dimensions");
  Expected<int64_t> number = parseNumber(fields[1]);
  if (!number)
    return number.takeError();
  if (static_cast<uint64_t>(*number) != index)
    return error("expected " + std::string(keyword) + " " +
                 std::to_string(index) + ", found " + std::string(fields[1]));
  tensor.name = std::string(fields[2]);
  std::optional<ElementType> type = parseElementType(fields[3]);
  if (!type)
    return error("unknown element type '" + std::string(fields[3]) + "'");
  tensor.type = *type;
  for (size_t i = 5; i < fields.size(); ++i) {
    std::string_view field = fields[i];
    bool isSymbol = field[0] == 's';
    std::string_view digits = isSymbol ? field.substr(1) : field;
    if (digits.empty() ||
        digits.find_first_not_of("0123456789") != std::string_view::npos)
      return error("expected a size or a size symbol, found '" +
                   std::string(field) + "'");
    Expected<int64_t> value = parseNumber(digits);
    if (!value)
      return value.takeError();
    if (isSymbol && static_cast<uint64_t>(*value) >= numSymbols)
      return error("size symbol '" + std::string(field) +
                   "' is not declared (" + std::to_string(numSymbols) +
                   " sizes)");
    tensor.dims.push_back({isSymbol, *value});
  }
  return Status::success();
}

Status ManifestParser::parseTarget(Manifest &manifest) const {
  // target NAME [CHIP]
  for (std::string_view field : fields)
    if (field.empty())
      return error("fields must be separated by exactly one space");
  if (fields.size() < 2)
    return error("'target' needs a target name ('cpu' or 'cuda')");
  std::optional<Target> target = attn::runtime::parseTarget(fields[1]);
  if (!target)
    return error(fmt::format("unknown target '{}' (expected 'cpu' or 'cuda')",
                             fields[1]));
  if (*target == Target::CPU) {
    if (fields.size() != 2)
      return error(
          fmt::format("target 'cpu' takes no chip, found '{}'", fields[2]));
  } else {
    if (fields.size() == 2)
      return error("target 'cuda' needs a chip, e.g. 'target cuda sm_80'");
    if (fields.size() != 3)
      return error(fmt::format("target 'cuda' takes one chip, found {} fields",
                               fields.size() - 2));
    if (!isValidChip(fields[2]))
      return error(fmt::format("malformed chip '{}' for target 'cuda' "
                               "(expected sm_<version>, e.g. sm_80 or sm_90a)",
                               fields[2]));
    manifest.chip = std::string(fields[2]);
  }
  manifest.target = *target;
  return Status::success();
}

Expected<Manifest> ManifestParser::parse() {
  Manifest manifest;
  if (!nextLine())
    return makeError("empty manifest");
  if (Status status = expect("attn-abi", 1); !status)
    return status.takeError();
  if (fields[1] != "1")
    return error("unsupported ABI version '" + std::string(fields[1]) + "'");

  if (!nextLine())
    return error("expected 'function'");
  if (Status status = expect("function", 1); !status)
    return status.takeError();
  manifest.function = std::string(fields[1]);

  if (!nextLine())
    return error("expected 'target' or 'sizes'");
  // The optional target line; CPU modules have none.
  if (fields[0] == "target") {
    if (Status status = parseTarget(manifest); !status)
      return status.takeError();
    if (!nextLine())
      return error("expected 'sizes'");
  }
  if (Status status = expect("sizes", 1); !status)
    return status.takeError();
  Expected<int64_t> numSizes = parseNumber(fields[1]);
  if (!numSizes)
    return numSizes.takeError();
  // One line per symbol follows; never reserve from an untrusted count.
  for (int64_t k = 0; k < *numSizes; ++k) {
    if (!nextLine())
      return error("expected 'size " + std::to_string(k) + "'");
    if (Status status = expect("size", 2); !status)
      return status.takeError();
    Expected<int64_t> index = parseNumber(fields[1]);
    if (!index)
      return index.takeError();
    if (*index != k)
      return error("expected size " + std::to_string(k) + ", found " +
                   std::string(fields[1]));
    manifest.sizeLabels.push_back(std::string(fields[2]));
  }

  size_t numSymbols = manifest.sizeLabels.size();
  bool sawEnd = false;
  while (nextLine()) {
    std::string_view keyword = fields[0];
    if (keyword == "end") {
      if (Status status = expect("end", 0); !status)
        return status.takeError();
      sawEnd = true;
      break;
    }
    if (keyword == "arg" && !manifest.results.empty())
      return error("'arg' after 'result'");
    ManifestTensor tensor;
    if (keyword == "arg") {
      if (Status s =
              parseTensor(keyword, manifest.args.size(), numSymbols, tensor);
          !s)
        return s.takeError();
      manifest.args.push_back(std::move(tensor));
    } else if (keyword == "result") {
      if (Status s =
              parseTensor(keyword, manifest.results.size(), numSymbols, tensor);
          !s)
        return s.takeError();
      manifest.results.push_back(std::move(tensor));
    } else {
      return error("expected 'arg', 'result' or 'end', found '" +
                   std::string(keyword) + "'");
    }
  }
  if (!sawEnd)
    return error("missing 'end'");
  // Only the newline that ends the 'end' line may follow it.
  if (pos < text.size())
    return makeError("manifest line ", lineNumber + 1,
                     ": unexpected text after 'end'");
  return manifest;
}

Expected<Manifest> attn::runtime::parseManifest(std::string_view text) {
  return ManifestParser(text).parse();
}

std::string attn::runtime::formatTensorType(const ManifestTensor &tensor) {
  std::string text = getElementTypeName(tensor.type);
  text += '[';
  for (size_t i = 0; i < tensor.dims.size(); ++i) {
    if (i)
      text += ',';
    if (tensor.dims[i].isSymbol)
      text += 's';
    text += std::to_string(tensor.dims[i].value);
  }
  return text + ']';
}
