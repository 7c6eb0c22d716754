//===- NpyHeader.cpp - The dictionary of a .npy header --------------------===//
//
// A parser for the small subset of Python literal syntax NumPy writes:
// strings, True/False and tuples of integers inside one dict.
//
//===----------------------------------------------------------------------===//

#include "NpyHeader.h"

#include <cstring>

using namespace attn::runtime;

namespace {

class DictParser {
public:
  explicit DictParser(std::string_view text) : text(text) {}

  Expected<NpyHeader> parse();

private:
  void skipSpace() {
    while (pos < text.size() && std::strchr(" \t\r\n", text[pos]))
      ++pos;
  }
  bool consume(char c) {
    skipSpace();
    if (pos < text.size() && text[pos] == c) {
      ++pos;
      return true;
    }
    return false;
  }
  bool atEnd() {
    skipSpace();
    return pos == text.size();
  }
  Error error(const std::string &what) {
    return makeError("malformed header: ", what, " at offset ", pos);
  }

  Expected<std::string> parseString();
  Expected<bool> parseBool();
  Expected<std::vector<int64_t>> parseShape();
  Status parseDescr(NpyHeader &header);

  std::string_view text;
  size_t pos = 0;
};

} // namespace

Expected<std::string> DictParser::parseString() {
  skipSpace();
  if (pos >= text.size() || (text[pos] != '\'' && text[pos] != '"'))
    return error("expected a string");
  char quote = text[pos++];
  size_t begin = pos;
  while (pos < text.size() && text[pos] != quote) {
    // NumPy never writes escapes; refusing them keeps the parser trivial.
    if (text[pos] == '\\' || text[pos] == '\n')
      return error("unsupported character in string");
    ++pos;
  }
  if (pos >= text.size())
    return error("unterminated string");
  return std::string(text.substr(begin, pos++ - begin));
}

Expected<bool> DictParser::parseBool() {
  skipSpace();
  for (auto [word, value] : {std::pair{"True", true}, {"False", false}}) {
    size_t len = std::strlen(word);
    if (text.substr(pos, len) == word) {
      pos += len;
      return value;
    }
  }
  return error("expected True or False");
}

Expected<std::vector<int64_t>> DictParser::parseShape() {
  if (!consume('('))
    return error("expected a tuple for 'shape'");
  std::vector<int64_t> shape;
  while (!consume(')')) {
    skipSpace();
    if (pos >= text.size() || text[pos] < '0' || text[pos] > '9')
      return error("expected a non-negative integer in 'shape'");
    int64_t dim = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      int digit = text[pos++] - '0';
      if (dim > (INT64_MAX - digit) / 10)
        return makeError("dimension ", shape.size(),
                         " of 'shape' is too large");
      dim = dim * 10 + digit;
    }
    shape.push_back(dim);
    // Elements are separated by commas; "(5,)" has a trailing one.
    if (!consume(',')) {
      if (!consume(')'))
        return error("expected ',' or ')' in 'shape'");
      // "(5)" is not a tuple in Python, but a single integer.
      if (shape.size() == 1)
        return error("expected a tuple for 'shape'");
      break;
    }
  }
  return shape;
}

Status DictParser::parseDescr(NpyHeader &header) {
  skipSpace();
  if (pos < text.size() && text[pos] == '[')
    return makeError("structured dtypes are not supported");
  Expected<std::string> descr = parseString();
  if (!descr)
    return descr.takeError();
  for (NpyDType type :
       {NpyDType::Bool, NpyDType::Int8, NpyDType::Int32, NpyDType::Int64,
        NpyDType::Float16, NpyDType::Float32, NpyDType::Float64}) {
    if (*descr == getNpyDescr(type)) {
      header.dtype = type;
      return Status::success();
    }
  }
  if (!descr->empty() && (*descr)[0] == '>')
    return makeError("big-endian dtype '", *descr, "' is not supported");
  return makeError("unsupported dtype '", *descr,
                   "' (supported: <f4 <f2 <f8 <i4 <i8 |i1 |b1)");
}

Expected<NpyHeader> DictParser::parse() {
  NpyHeader header;
  bool seenDescr = false, seenOrder = false, seenShape = false;
  if (!consume('{'))
    return error("expected '{'");
  while (!consume('}')) {
    Expected<std::string> key = parseString();
    if (!key)
      return key.takeError();
    if (!consume(':'))
      return error("expected ':'");
    if (*key == "descr" && !seenDescr) {
      seenDescr = true;
      if (Status status = parseDescr(header); !status)
        return status.takeError();
    } else if (*key == "fortran_order" && !seenOrder) {
      seenOrder = true;
      Expected<bool> fortran = parseBool();
      if (!fortran)
        return fortran.takeError();
      if (*fortran)
        return makeError("Fortran-order arrays are not supported (save a "
                         "C-contiguous array)");
    } else if (*key == "shape" && !seenShape) {
      seenShape = true;
      Expected<std::vector<int64_t>> shape = parseShape();
      if (!shape)
        return shape.takeError();
      header.shape = std::move(*shape);
    } else {
      return error("unexpected key '" + *key + "'");
    }
    if (!consume(',')) {
      if (!consume('}'))
        return error("expected ',' or '}'");
      break;
    }
  }
  if (!atEnd())
    return error("unexpected text after '}'");
  if (!seenDescr || !seenOrder || !seenShape)
    return makeError("malformed header: missing key '",
                     !seenDescr   ? "descr"
                     : !seenOrder ? "fortran_order"
                                  : "shape",
                     "'");
  return header;
}

Expected<NpyHeader> attn::runtime::parseNpyHeaderDict(std::string_view text) {
  return DictParser(text).parse();
}

std::string attn::runtime::formatNpyHeaderDict(const NpyHeader &header) {
  return std::string("{'descr': '") + getNpyDescr(header.dtype) +
         "', 'fortran_order': False, 'shape': " + formatShape(header.shape) +
         ", }";
}
