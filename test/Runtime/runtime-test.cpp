//===- runtime-test.cpp - Test driver for the attn runtime ----------------===//
//
// Exposes the runtime library to lit tests, one subcommand per feature:
//
//   attn-runtime-test selftest                 built-in bit-exact checks
//   attn-runtime-test npy-dump FILE            dtype, shape and values
//   attn-runtime-test npy-copy IN OUT          read, then write back
//   attn-runtime-test convert MODE IN OUT      f32-to-bf16 (bits as int32),
//                                              bf16-to-f32, f32-to-f16,
//                                              f16-to-f32, f32-to-e4m3
//                                              (bits as int32), e4m3-to-f32
//   attn-runtime-test manifest FILE            parse manifests separated by
//                                              lines "#---"; empty lines and
//                                              other lines starting with '#'
//                                              are dropped
//   attn-runtime-test bind MANIFEST IN.npy...  bind inputs, print sizes,
//                                              result shapes and argument
//                                              bytes
//   attn-runtime-test run FN [--module SO] [-i IN.npy]... [-o OUT.npy]...
//                                              run a function of the test
//                                              module (test-module.c)
//   attn-runtime-test cuda-call FN [--module SO]
//                                              call the packed entry of a
//                                              CUDA function directly, with
//                                              null pointers and zero sizes,
//                                              and print its status and
//                                              attnCudaLastError (default
//                                              module: test-cuda-module.c)
//   attn-runtime-test cuda-info                the device in use
//   attn-runtime-test cuda-tensor-map [--calls N] [--address-step BYTES]
//                     [--other-call] ADDRESS ELEMENT-BYTES D0 D1 D2 D3 S0 S1
//                     S2 ROWS COLS
//                                              attnCudaTensorMap in N calls
//                                              (default 1), the address
//                                              moving by BYTES each call,
//                                              while another thread is in a
//                                              call if --other-call; prints
//                                              each call's map (numbered by
//                                              first appearance, or 0),
//                                              status and attnCudaLastError
//   attn-runtime-test heatmap IN.npy OUT.png [TITLE]
//                                              draw IN as a PNG heat map
//   attn-runtime-test png-probe FILE SPEC...   size, pixels and dark pixels
//                                              of a PNG (PngProbe.cpp)
//
// Errors print "error: ..." on stderr and exit with 1.
//
//===----------------------------------------------------------------------===//

#include "attn/Runtime/Binding.h"
#include "attn/Runtime/Cuda.h"
#include "attn/Runtime/CudaRuntime.h"
#include "attn/Runtime/Execution.h"
#include "attn/Runtime/Float.h"
#include "attn/Runtime/HeatMap.h"
#include "attn/Runtime/Manifest.h"
#include "attn/Runtime/Module.h"
#include "attn/Runtime/Npy.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <future>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using namespace attn::runtime;

int runSelfTest();
#ifdef ATTN_TEST_PNG
int runPngProbe(const std::vector<std::string> &args);
#endif

static int fail(const std::string &message) {
  std::fprintf(stderr, "error: %s\n", message.c_str());
  return 1;
}

static int usage() {
  return fail("usage: attn-runtime-test selftest | npy-dump FILE | npy-copy "
              "IN OUT | convert MODE IN OUT | manifest FILE | bind MANIFEST "
              "IN... | run FN [--module SO] [-i IN]... [-o OUT]... | "
              "cuda-call FN [--module SO] | cuda-info | cuda-tensor-map "
              "[--calls N] [--address-step BYTES] [--other-call] ADDRESS "
              "ELEMENT-BYTES D0 D1 D2 D3 S0 S1 S2 ROWS COLS | heatmap IN OUT "
              "[TITLE] | png-probe FILE SPEC...");
}

static void printValue(NpyDType type, const uint8_t *p) {
  switch (type) {
  case NpyDType::Bool:
    std::printf("%d\n", *p);
    return;
  case NpyDType::Int8:
    std::printf("%d\n", static_cast<int8_t>(*p));
    return;
  case NpyDType::Int32: {
    int32_t v;
    std::memcpy(&v, p, 4);
    std::printf("%d\n", v);
    return;
  }
  case NpyDType::Int64: {
    int64_t v;
    std::memcpy(&v, p, 8);
    std::printf("%lld\n", static_cast<long long>(v));
    return;
  }
  case NpyDType::Float16: {
    uint16_t v;
    std::memcpy(&v, p, 2);
    std::printf("%.9g\n", f16ToFloat(v));
    return;
  }
  case NpyDType::Float32: {
    float v;
    std::memcpy(&v, p, 4);
    std::printf("%.9g\n", v);
    return;
  }
  case NpyDType::Float64: {
    double v;
    std::memcpy(&v, p, 8);
    std::printf("%.17g\n", v);
    return;
  }
  }
}

static int npyDump(const std::string &path) {
  Expected<NpyArray> array = readNpyFile(path);
  if (!array)
    return fail(array.getError());
  std::printf("dtype=%s shape=%s\n", getNpyDTypeName(array->dtype),
              formatShape(array->shape).c_str());
  size_t size = getNpyDTypeSize(array->dtype);
  for (int64_t i = 0; i < array->getNumElements(); ++i)
    printValue(array->dtype, array->data.data() + i * size);
  return 0;
}

static int npyCopy(const std::string &in, const std::string &out) {
  Expected<NpyArray> array = readNpyFile(in);
  if (!array)
    return fail(array.getError());
  if (Status status = writeNpyFile(out, *array); !status)
    return fail(status.getError());
  return 0;
}

/// Converts between float32 and the 16- and 8-bit formats with the
/// runtime's helpers; bf16 and FP8 E4M3 bit patterns travel as int32 arrays
/// (NumPy has neither type).
static int convert(const std::string &mode, const std::string &in,
                   const std::string &out) {
  Expected<NpyArray> input = readNpyFile(in);
  if (!input)
    return fail(input.getError());
  struct Mode {
    const char *name;
    NpyDType from, to;
  };
  static const Mode modes[] = {
      {"f32-to-bf16", NpyDType::Float32, NpyDType::Int32},
      {"bf16-to-f32", NpyDType::Int32, NpyDType::Float32},
      {"f32-to-f16", NpyDType::Float32, NpyDType::Float16},
      {"f16-to-f32", NpyDType::Float16, NpyDType::Float32},
      {"f32-to-e4m3", NpyDType::Float32, NpyDType::Int32},
      {"e4m3-to-f32", NpyDType::Int32, NpyDType::Float32}};
  const Mode *selected = nullptr;
  for (const Mode &m : modes)
    if (mode == m.name)
      selected = &m;
  if (!selected)
    return fail("unknown conversion '" + mode + "'");
  if (input->dtype != selected->from)
    return fail(std::string("conversion ") + selected->name + " reads " +
                getNpyDTypeName(selected->from));

  int64_t n = input->getNumElements();
  NpyArray output;
  output.dtype = selected->to;
  output.shape = input->shape;
  Expected<Buffer> buffer = Buffer::allocate(n * getNpyDTypeSize(output.dtype));
  if (!buffer)
    return fail(buffer.getError());
  output.data = std::move(*buffer);
  const uint8_t *src = input->data.data();
  uint8_t *dst = output.data.data();
  for (int64_t i = 0; i < n; ++i) {
    float f;
    uint32_t u32;
    uint16_t u16;
    if (mode == "f32-to-bf16") {
      std::memcpy(&f, src + 4 * i, 4);
      u32 = floatToBF16(f);
      std::memcpy(dst + 4 * i, &u32, 4);
    } else if (mode == "bf16-to-f32") {
      std::memcpy(&u32, src + 4 * i, 4);
      f = bf16ToFloat(static_cast<uint16_t>(u32));
      std::memcpy(dst + 4 * i, &f, 4);
    } else if (mode == "f32-to-f16") {
      std::memcpy(&f, src + 4 * i, 4);
      u16 = floatToF16(f);
      std::memcpy(dst + 2 * i, &u16, 2);
    } else if (mode == "f16-to-f32") {
      std::memcpy(&u16, src + 2 * i, 2);
      f = f16ToFloat(u16);
      std::memcpy(dst + 4 * i, &f, 4);
    } else if (mode == "f32-to-e4m3") {
      std::memcpy(&f, src + 4 * i, 4);
      u32 = floatToE4M3(f);
      std::memcpy(dst + 4 * i, &u32, 4);
    } else {
      std::memcpy(&u32, src + 4 * i, 4);
      f = e4m3ToFloat(static_cast<uint8_t>(u32));
      std::memcpy(dst + 4 * i, &f, 4);
    }
  }
  if (Status status = writeNpyFile(out, output); !status)
    return fail(status.getError());
  return 0;
}

static bool readText(const std::string &path, std::string &text) {
  std::ifstream file(path, std::ios::binary);
  if (!file)
    return false;
  std::ostringstream os;
  os << file.rdbuf();
  text = os.str();
  return true;
}

static void printManifest(const Manifest &manifest) {
  std::printf("function %s\n", manifest.function.c_str());
  if (manifest.target == Target::CPU)
    std::printf("target cpu\n");
  else
    std::printf("target %s %s\n", getTargetName(manifest.target),
                manifest.chip.c_str());
  for (size_t k = 0; k < manifest.sizeLabels.size(); ++k)
    std::printf("size s%zu %s\n", k, manifest.sizeLabels[k].c_str());
  for (size_t i = 0; i < manifest.args.size(); ++i)
    std::printf("arg %zu '%s' %s\n", i, manifest.args[i].name.c_str(),
                formatTensorType(manifest.args[i]).c_str());
  for (size_t i = 0; i < manifest.results.size(); ++i)
    std::printf("result %zu '%s' %s\n", i, manifest.results[i].name.c_str(),
                formatTensorType(manifest.results[i]).c_str());
}

/// Parses every "#---"-separated chunk of FILE; errors are printed on
/// stdout so one FileCheck run sees them all.
static int manifestCommand(const std::string &path) {
  std::string text;
  if (!readText(path, text))
    return fail("cannot read '" + path + "'");
  std::vector<std::string> chunks(1);
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("#---", 0) == 0)
      chunks.emplace_back();
    else if (!line.empty() && line[0] != '#')
      chunks.back() += line + "\n";
  }
  for (size_t i = 0; i < chunks.size(); ++i) {
    std::printf("chunk %zu\n", i);
    Expected<Manifest> manifest = parseManifest(chunks[i]);
    if (manifest)
      printManifest(*manifest);
    else
      std::printf("error: %s\n", manifest.getError().c_str());
  }
  return 0;
}

static int bindCommand(const std::string &manifestPath,
                       const std::vector<std::string> &inputPaths) {
  std::string text;
  if (!readText(manifestPath, text))
    return fail("cannot read '" + manifestPath + "'");
  Expected<Manifest> manifest = parseManifest(text);
  if (!manifest)
    return fail(manifest.getError());
  std::vector<NpyArray> inputs;
  for (const std::string &path : inputPaths) {
    Expected<NpyArray> array = readNpyFile(path);
    if (!array)
      return fail(array.getError());
    inputs.push_back(std::move(*array));
  }
  Expected<Binding> binding = bindInputs(*manifest, std::move(inputs));
  if (!binding)
    return fail(binding.getError());
  for (size_t k = 0; k < binding->sizes.size(); ++k)
    std::printf("s%zu = %lld\n", k, static_cast<long long>(binding->sizes[k]));
  for (size_t i = 0; i < binding->results.size(); ++i)
    std::printf("result %zu shape %s\n", i,
                formatShape(binding->results[i].shape).c_str());
  // The bytes show that narrowed types were converted.
  for (size_t i = 0; i < binding->args.size(); ++i) {
    const Tensor &arg = binding->args[i];
    std::printf("arg %zu %s %s: %zu bytes\n", i, getElementTypeName(arg.type),
                formatShape(arg.shape).c_str(), arg.data.size());
  }
  return 0;
}

static int runCommand(const std::vector<std::string> &args) {
  std::string function = args[0], modulePath = ATTN_TEST_MODULE;
  std::vector<std::string> inputPaths, outputPaths;
  for (size_t i = 1; i < args.size(); ++i) {
    if (i + 1 >= args.size())
      return usage();
    if (args[i] == "-i")
      inputPaths.push_back(args[++i]);
    else if (args[i] == "-o")
      outputPaths.push_back(args[++i]);
    else if (args[i] == "--module")
      modulePath = args[++i];
    else
      return usage();
  }
  Expected<std::unique_ptr<Module>> module = Module::load(modulePath, function);
  if (!module)
    return fail(module.getError());
  const Manifest &manifest = (*module)->getManifest();
  if (outputPaths.size() != manifest.results.size())
    return fail("function '" + function + "' has " +
                std::to_string(manifest.results.size()) + " results but " +
                std::to_string(outputPaths.size()) + " outputs were given");
  std::vector<NpyArray> inputs;
  for (const std::string &path : inputPaths) {
    Expected<NpyArray> array = readNpyFile(path);
    if (!array)
      return fail(array.getError());
    inputs.push_back(std::move(*array));
  }
  Expected<ExecutionResult> result = execute(**module, std::move(inputs));
  if (!result)
    return fail(result.getError());
  for (size_t i = 0; i < outputPaths.size(); ++i)
    if (Status status = writeNpyFile(outputPaths[i], result->outputs[i]);
        !status)
      return fail(status.getError());
  return 0;
}

#ifdef ATTN_TEST_CUDA_MODULE
static const char *const kCudaModule = ATTN_TEST_CUDA_MODULE;
#else
static const char *const kCudaModule = ATTN_TEST_MODULE;
#endif

/// Calls a CUDA function's packed entry with null device pointers, zero
/// sizes and the default stream: only what happens before any kernel runs
/// (module loads, kernel lookups) is exercised. Prints the status and the
/// thread's CUDA error.
static int cudaCallCommand(const std::vector<std::string> &args) {
  std::string function = args[0], modulePath = kCudaModule;
  if (args.size() == 3 && args[1] == "--module")
    modulePath = args[2];
  else if (args.size() != 1)
    return usage();
  Expected<std::unique_ptr<Module>> module = Module::load(modulePath, function);
  if (!module)
    return fail(module.getError());
  const Manifest &manifest = (*module)->getManifest();
  if (manifest.target != Target::CUDA)
    return fail("function '" + function + "' is not a CUDA function");
  std::vector<void *> pointers(manifest.args.size() + manifest.results.size());
  std::vector<int64_t> sizes(manifest.sizeLabels.size() + 1, 0);
  int32_t status = (*module)->call(pointers.data(), sizes.data(), nullptr);
  std::printf("status %d\n", status);
  std::printf("message: %s\n", cuda::getLastCallError().c_str());
  return 0;
}

static int cudaInfoCommand() {
  Expected<cuda::DeviceInfo> info = cuda::getDeviceInfo();
  if (!info)
    return fail(info.getError());
  std::printf("device %d: %s (%s)\n", info->ordinal, info->name.c_str(),
              info->getChip().c_str());
  return 0;
}

#ifdef ATTN_TEST_CUDA_RUNTIME
/// A whole decimal or 0x-prefixed number, negative ones included.
static bool parseInt(const std::string &text, int64_t &value) {
  char *end = nullptr;
  errno = 0;
  long long parsed = std::strtoll(text.c_str(), &end, 0);
  if (text.empty() || *end || errno)
    return false;
  value = parsed;
  return true;
}

/// Calls attnCudaTensorMap as compiled host code does: inside a call, on
/// the default stream. Maps are printed as #0, #1, ... in the order they
/// first appear, since their addresses vary from run to run.
static int cudaTensorMapCommand(const std::vector<std::string> &args) {
  int64_t calls = 1, addressStep = 0;
  bool otherCall = false;
  size_t next = 0;
  for (; next < args.size() && args[next].rfind("--", 0) == 0; ++next) {
    if (args[next] == "--other-call") {
      otherCall = true;
      continue;
    }
    int64_t *option = args[next] == "--calls"          ? &calls
                      : args[next] == "--address-step" ? &addressStep
                                                       : nullptr;
    if (!option || next + 1 >= args.size() || !parseInt(args[++next], *option))
      return usage();
  }
  int64_t values[11];
  if (args.size() - next != std::size(values) || calls < 1)
    return usage();
  for (size_t i = 0; i < std::size(values); ++i)
    if (!parseInt(args[next + i], values[i]))
      return fail("not a number: '" + args[next + i] + "'");

  // A call in flight on another thread throughout, whose maps the runtime
  // must not free.
  std::promise<void> begun, finish;
  std::future<void> finishing = finish.get_future();
  std::thread other;
  if (otherCall) {
    other = std::thread([&] {
      attnCudaBeginCall(nullptr);
      begun.set_value();
      finishing.wait();
      attnCudaEndCall();
    });
    begun.get_future().wait();
  }
  std::map<uint64_t, size_t> maps;
  for (int64_t k = 0; k < calls; ++k) {
    attnCudaBeginCall(nullptr);
    uint64_t map = attnCudaTensorMap(
        static_cast<uint64_t>(values[0] + k * addressStep), values[1],
        values[2], values[3], values[4], values[5], values[6], values[7],
        values[8], values[9], values[10]);
    int32_t status = attnCudaEndCall();
    std::string name = "0";
    if (map)
      name = "#" + std::to_string(maps.emplace(map, maps.size()).first->second);
    std::printf("call %lld: map %s status %d message: %s\n",
                static_cast<long long>(k), name.c_str(), status,
                attnCudaLastError());
  }
  if (otherCall) {
    finish.set_value();
    other.join();
  }
  return 0;
}
#endif

static int heatMapCommand(const std::vector<std::string> &args) {
  Expected<NpyArray> array = readNpyFile(args[0]);
  if (!array)
    return fail(array.getError());
  if (Status status =
          writeHeatMapPng(args[1], *array, args.size() == 3 ? args[2] : "");
      !status)
    return fail(status.getError());
  return 0;
}

int main(int argc, char **argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty())
    return usage();
  std::string command = args[0];
  args.erase(args.begin());
  if (command == "selftest" && args.empty())
    return runSelfTest();
  if (command == "npy-dump" && args.size() == 1)
    return npyDump(args[0]);
  if (command == "npy-copy" && args.size() == 2)
    return npyCopy(args[0], args[1]);
  if (command == "convert" && args.size() == 3)
    return convert(args[0], args[1], args[2]);
  if (command == "manifest" && args.size() == 1)
    return manifestCommand(args[0]);
  if (command == "bind" && !args.empty())
    return bindCommand(args[0], {args.begin() + 1, args.end()});
  if (command == "run" && !args.empty())
    return runCommand(args);
  if (command == "cuda-call" && !args.empty())
    return cudaCallCommand(args);
  if (command == "cuda-info" && args.empty())
    return cudaInfoCommand();
#ifdef ATTN_TEST_CUDA_RUNTIME
  if (command == "cuda-tensor-map")
    return cudaTensorMapCommand(args);
#endif
  if (command == "heatmap" && (args.size() == 2 || args.size() == 3))
    return heatMapCommand(args);
#ifdef ATTN_TEST_PNG
  if (command == "png-probe")
    return runPngProbe(args);
#endif
  return usage();
}
