//===- Npy.cpp - Reading and writing NumPy .npy files ---------------------===//
//
// Layout: "\x93NUMPY", major and minor version bytes, the header length
// (uint16 LE for 1.0, uint32 LE for 2.0 and 3.0), the header dict padded
// with spaces and a newline, then the raw data.
//
//===----------------------------------------------------------------------===//

#include "attn/Runtime/Npy.h"

#include "FileOutput.h"
#include "NpyHeader.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sys/stat.h>

using namespace attn::runtime;

static constexpr char kMagic[] = "\x93NUMPY";
static constexpr size_t kMagicSize = 6;
/// Far above what any header of ours needs; bounds the allocation a corrupt
/// length field can cause.
static constexpr uint32_t kMaxHeaderSize = 1u << 20;

const char *attn::runtime::getNpyDTypeName(NpyDType type) {
  switch (type) {
  case NpyDType::Bool:
    return "bool";
  case NpyDType::Int8:
    return "int8";
  case NpyDType::Int32:
    return "int32";
  case NpyDType::Int64:
    return "int64";
  case NpyDType::Float16:
    return "float16";
  case NpyDType::Float32:
    return "float32";
  case NpyDType::Float64:
    return "float64";
  }
  return "?";
}

const char *attn::runtime::getNpyDescr(NpyDType type) {
  switch (type) {
  case NpyDType::Bool:
    return "|b1";
  case NpyDType::Int8:
    return "|i1";
  case NpyDType::Int32:
    return "<i4";
  case NpyDType::Int64:
    return "<i8";
  case NpyDType::Float16:
    return "<f2";
  case NpyDType::Float32:
    return "<f4";
  case NpyDType::Float64:
    return "<f8";
  }
  return "?";
}

size_t attn::runtime::getNpyDTypeSize(NpyDType type) {
  switch (type) {
  case NpyDType::Bool:
  case NpyDType::Int8:
    return 1;
  case NpyDType::Float16:
    return 2;
  case NpyDType::Int32:
  case NpyDType::Float32:
    return 4;
  case NpyDType::Int64:
  case NpyDType::Float64:
    return 8;
  }
  return 1;
}

int64_t NpyArray::getNumElements() const {
  int64_t count = 1;
  for (int64_t dim : shape)
    count *= dim;
  return count;
}

Expected<int64_t>
attn::runtime::getCheckedNumElements(const std::vector<int64_t> &shape,
                                     size_t elementSize) {
  int64_t count = 1;
  for (int64_t dim : shape) {
    if (dim < 0)
      return makeError("negative dimension ", dim, " in shape ",
                       formatShape(shape));
    if (dim != 0 && count > INT64_MAX / dim)
      return makeError("shape ", formatShape(shape), " has too many elements");
    count *= dim;
  }
  if (count > INT64_MAX / static_cast<int64_t>(elementSize) ||
      static_cast<uint64_t>(count) * elementSize > SIZE_MAX)
    return makeError("shape ", formatShape(shape), " is too large in bytes");
  return count;
}

std::string attn::runtime::formatShape(const std::vector<int64_t> &shape) {
  std::string text = "(";
  for (size_t i = 0; i < shape.size(); ++i)
    text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + (shape.size() == 1 ? ",)" : ")");
}

namespace {
/// Where the bytes of a .npy come from: memory or a file.
class ByteSource {
public:
  virtual ~ByteSource() = default;
  /// Bytes not read yet.
  virtual uint64_t remaining() const = 0;
  /// Reads exactly `n` bytes; false on an I/O error or end of input.
  virtual bool read(void *dst, size_t n) = 0;
};

class MemorySource : public ByteSource {
public:
  MemorySource(const void *bytes, size_t size)
      : bytes(static_cast<const uint8_t *>(bytes)), size(size) {}
  uint64_t remaining() const override { return size - pos; }
  bool read(void *dst, size_t n) override {
    if (n > size - pos)
      return false;
    std::memcpy(dst, bytes + pos, n);
    pos += n;
    return true;
  }

private:
  const uint8_t *bytes;
  size_t size, pos = 0;
};

class FileSource : public ByteSource {
public:
  FileSource(std::FILE *file, uint64_t size) : file(file), size(size) {}
  uint64_t remaining() const override { return size - pos; }
  bool read(void *dst, size_t n) override {
    if (n > size - pos || std::fread(dst, 1, n, file) != n)
      return false;
    pos += n;
    return true;
  }

private:
  std::FILE *file;
  uint64_t size, pos = 0;
};
} // namespace

static uint32_t readLittleEndian(const uint8_t *bytes, size_t n) {
  uint32_t value = 0;
  for (size_t i = 0; i < n; ++i)
    value |= static_cast<uint32_t>(bytes[i]) << (8 * i);
  return value;
}

static Expected<NpyArray> readNpy(ByteSource &source) {
  // Magic, version and the 2-byte length of 1.0; 2.0+ reads 2 more bytes.
  uint8_t prefix[12];
  if (!source.read(prefix, 8) || std::memcmp(prefix, kMagic, kMagicSize))
    return makeError("not a .npy file (bad magic)");
  unsigned major = prefix[6], minor = prefix[7];
  if (major < 1 || major > 3 || minor != 0)
    return makeError("unsupported .npy format version ", major, ".", minor);
  size_t lengthBytes = major == 1 ? 2 : 4;
  if (!source.read(prefix + 8, lengthBytes))
    return makeError("truncated header");
  uint32_t headerSize = readLittleEndian(prefix + 8, lengthBytes);
  if (headerSize > kMaxHeaderSize)
    return makeError("header of ", headerSize, " bytes is too large");
  if (headerSize > source.remaining())
    return makeError("truncated header: ", headerSize, " bytes declared, ",
                     source.remaining(), " present");
  std::string text(headerSize, '\0');
  if (!source.read(text.data(), headerSize))
    return makeError("cannot read the header");
  Expected<NpyHeader> header = parseNpyHeaderDict(text);
  if (!header)
    return header.takeError();

  size_t elementSize = getNpyDTypeSize(header->dtype);
  Expected<int64_t> count = getCheckedNumElements(header->shape, elementSize);
  if (!count)
    return count.takeError();
  uint64_t bytes = static_cast<uint64_t>(*count) * elementSize;
  // Check before allocating: a corrupt shape must not cost memory.
  if (source.remaining() < bytes)
    return makeError("truncated data: shape ", formatShape(header->shape),
                     " of ", getNpyDTypeName(header->dtype), " needs ", bytes,
                     " bytes, found ", source.remaining());
  if (source.remaining() > bytes)
    return makeError(source.remaining() - bytes,
                     " unexpected bytes after the data");

  Expected<Buffer> buffer = Buffer::allocate(bytes);
  if (!buffer)
    return buffer.takeError();
  if (!source.read(buffer->data(), bytes))
    return makeError("cannot read the data");
  // The ABI wants i1 as exactly 0 or 1; NumPy only ever writes those, but a
  // hand-made file may not.
  if (header->dtype == NpyDType::Bool)
    for (size_t i = 0; i < bytes; ++i)
      buffer->data()[i] = buffer->data()[i] != 0;

  NpyArray array;
  array.dtype = header->dtype;
  array.shape = std::move(header->shape);
  array.data = std::move(*buffer);
  return array;
}

Expected<NpyArray> attn::runtime::parseNpy(const void *bytes, size_t size) {
  MemorySource source(bytes, size);
  return readNpy(source);
}

Expected<NpyArray> attn::runtime::readNpyFile(const std::string &path) {
  std::FILE *file = std::fopen(path.c_str(), "rb");
  if (!file)
    return makeError("cannot read '", path, "': ", std::strerror(errno));
  struct stat info;
  if (fstat(fileno(file), &info) != 0 || !S_ISREG(info.st_mode)) {
    std::fclose(file);
    return makeError("cannot read '", path, "': not a regular file");
  }
  FileSource source(file, static_cast<uint64_t>(info.st_size));
  Expected<NpyArray> array = readNpy(source);
  std::fclose(file);
  if (!array)
    return makeError("cannot read '", path, "': ", array.getError());
  return array;
}

/// The magic, version, length and padded dict that precede the data; the
/// data size in `bytes`.
static Expected<std::string> makeFileHeader(const NpyArray &array,
                                            size_t &bytes) {
  size_t elementSize = getNpyDTypeSize(array.dtype);
  Expected<int64_t> count = getCheckedNumElements(array.shape, elementSize);
  if (!count)
    return count.takeError();
  bytes = static_cast<size_t>(*count) * elementSize;
  if (array.data.size() < bytes)
    return makeError("array data holds ", array.data.size(),
                     " bytes, shape needs ", bytes);

  std::string dict = formatNpyHeaderDict({array.dtype, array.shape});
  // Pad with spaces so the data starts at a multiple of 64 bytes, then end
  // the header with a newline, as NumPy does.
  bool needsV2 = dict.size() + 1 + 10 + 63 > 0xffff;
  size_t prefixSize = needsV2 ? 12 : 10;
  size_t total = (prefixSize + dict.size() + 1 + 63) / 64 * 64;
  size_t headerSize = total - prefixSize;
  dict.append(headerSize - dict.size() - 1, ' ');
  dict += '\n';

  std::string out(kMagic, kMagicSize);
  out += static_cast<char>(needsV2 ? 2 : 1);
  out += '\0';
  for (size_t i = 0; i < prefixSize - 8; ++i)
    out += static_cast<char>((headerSize >> (8 * i)) & 0xff);
  return out + dict;
}

Expected<std::string> attn::runtime::serializeNpy(const NpyArray &array) {
  size_t bytes = 0;
  Expected<std::string> out = makeFileHeader(array, bytes);
  if (out)
    out->append(reinterpret_cast<const char *>(array.data.data()), bytes);
  return out;
}

Status attn::runtime::writeNpyFile(const std::string &path,
                                   const NpyArray &array) {
  size_t bytes = 0;
  Expected<std::string> header = makeFileHeader(array, bytes);
  if (!header)
    return makeError("cannot write '", path, "': ", header.getError());
  // The data goes straight from the array: results can be large.
  return writeFileWith(path, [&](std::FILE *file) -> std::string {
    bool ok = std::fwrite(header->data(), 1, header->size(), file) ==
                  header->size() &&
              std::fwrite(array.data.data(), 1, bytes, file) == bytes;
    return ok ? "" : std::strerror(errno);
  });
}
