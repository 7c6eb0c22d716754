//===- attn-bench.cpp - Time a compiled attention against OpenBLAS --------===//
//
//   attn-bench examples/variants/causal.mlir --B 1 --Sq 1024 --Skv 1024 \
//       [--repeat N] [--warmup N] [--query-tile N --key-tile N] [--key-splits
//       N] \
//       [--baseline=blas|none] [--threads N] [--peak | --peak-gflops G]
//       [--format=text|csv|json]
//
// Compiles the module as attn-run does (attn::compileFile into a temporary
// directory), loads it with the runtime, fills the arguments with seeded
// random data and times the entry point. In the same process it times an
// unfused f32 attention on OpenBLAS (bench/BlasAttention.h) on the same
// inputs, reports both in GFLOP/s (useful FLOPs: visible pairs only), their
// ratio and the percent of the fp32 FMA peak, and checks the compiled result
// against the baseline. With --peak it also measures this machine's fp32
// FMA peak and read bandwidth on the same threads (bench/MachinePeak.h) and
// reports percent of each: FLOPs against the FMA peak, the bytes of K and V
// (read once per call at least) against the bandwidth, which is what bounds
// decode. Exit status 1 on any error or a failed check. Both
// sides run on --threads threads (default 1): OMP_NUM_THREADS for the
// compiled module, openblas_set_num_threads for the baseline.
//
// The entry must be one attn.attention on the function's arguments (as in
// examples/variants/): the tool reads the op's attributes to set up the
// baseline and to count the visible pairs.
//
//===----------------------------------------------------------------------===//

#include "BenchModule.h"
#include "BlasAttention.h"
#include "MachinePeak.h"

#include "attn/Compiler/Compiler.h"
#include "attn/Runtime/Float.h"
#include "attn/Runtime/HeapPolicy.h"
#include "attn/Runtime/Module.h"

#include "mlir/IR/MLIRContext.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

namespace cl = llvm::cl;
namespace rt = attn::runtime;
using attn_bench::AttentionProblem;

static cl::OptionCategory benchCategory("attn-bench options");

static cl::opt<std::string> inputFile(cl::Positional, cl::Required,
                                      cl::desc("<input .mlir file>"),
                                      cl::cat(benchCategory));
static cl::opt<std::string> entry("entry", cl::desc("Function to time"),
                                  cl::init("main"), cl::cat(benchCategory));
static cl::opt<int64_t> batchOpt("B", cl::desc("Batch size"), cl::init(1),
                                 cl::cat(benchCategory));
static cl::opt<int64_t> querySeqOpt("Sq", cl::desc("Query length"),
                                    cl::init(1024), cl::cat(benchCategory));
static cl::opt<int64_t> keySeqOpt("Skv",
                                  cl::desc("Key/value length (default: --Sq)"),
                                  cl::init(-1), cl::cat(benchCategory));
static cl::opt<unsigned> repeat("repeat", cl::desc("Timed calls per side"),
                                cl::init(10), cl::cat(benchCategory));
static cl::opt<unsigned> warmup("warmup",
                                cl::desc("Untimed calls before timing"),
                                cl::init(2), cl::cat(benchCategory));
static cl::opt<int64_t> queryTile("query-tile",
                                  cl::desc("Query rows per tile (compiler)"),
                                  cl::init(attn::CompileOptions().queryTile),
                                  cl::cat(benchCategory));
static cl::opt<int64_t> keyTile("key-tile",
                                cl::desc("Keys per tile (compiler)"),
                                cl::init(attn::CompileOptions().keyTile),
                                cl::cat(benchCategory));
static cl::opt<int64_t>
    keySplits("key-splits",
              cl::desc("Work items a softmax nest aims for by splitting key "
                       "ranges (compiler; 1: never split)"),
              cl::init(attn::CompileOptions().keySplits),
              cl::cat(benchCategory));
enum class Baseline { Blas, None };
static cl::opt<Baseline> baseline(
    "baseline", cl::desc("Baseline to time in the same run"),
    cl::values(clEnumValN(Baseline::Blas, "blas",
                          "unfused f32 attention on OpenBLAS sgemm"),
               clEnumValN(Baseline::None, "none",
                          "no baseline timing (it still runs once for the "
                          "correctness check)")),
    cl::init(Baseline::Blas), cl::cat(benchCategory));
// `--threads` is parsed by hand (takeThreadsOption): libLLVM already
// registers a global option of that name.
static unsigned threads = 1;
static cl::extrahelp threadsHelp(
    "\nMore options:\n\n  --threads=<uint>  Threads of both sides (default 1):"
    " OMP_NUM_THREADS of the\n                    compiled code, OpenBLAS "
    "threads of the baseline\n");
static cl::opt<double>
    peakGflops("peak-gflops",
               cl::desc("fp32 FMA peak of one core in GFLOP/s, for the "
                        "percent of peak"),
               cl::init(125.0), cl::cat(benchCategory));
static cl::opt<bool>
    measurePeak("peak",
                cl::desc("Measure this machine's fp32 FMA peak and read "
                         "bandwidth on the same threads, and report percent "
                         "of them (instead of --peak-gflops)"),
                cl::cat(benchCategory));
static cl::opt<unsigned> seed("seed", cl::desc("Random seed of the inputs"),
                              cl::init(1), cl::cat(benchCategory));
namespace {
enum class Format { Text, Csv, Json };
} // namespace
static cl::opt<Format> format(
    "format", cl::desc("Report format"), cl::init(Format::Text),
    cl::values(clEnumValN(Format::Text, "text", "readable lines (default)"),
               clEnumValN(Format::Csv, "csv",
                          "one CSV header line and one row"),
               clEnumValN(Format::Json, "json",
                          "one JSON object with the CSV's fields")),
    cl::cat(benchCategory));
static cl::opt<bool> csv("csv", cl::desc("Same as --format=csv"),
                         cl::cat(benchCategory));

static int fail(const llvm::Twine &message) {
  llvm::errs() << "error: " << message << "\n";
  return 1;
}

namespace {

/// Timings of one side, in milliseconds.
struct Timing {
  double medianMs = 0, minMs = 0;
};
} // namespace

static Timing timeCalls(const std::function<void()> &fn) {
  for (unsigned i = 0; i < warmup; ++i)
    fn();
  std::vector<double> times;
  for (unsigned i = 0; i < repeat; ++i) {
    auto start = std::chrono::steady_clock::now();
    fn();
    auto end = std::chrono::steady_clock::now();
    times.push_back(
        std::chrono::duration<double, std::milli>(end - start).count());
  }
  std::sort(times.begin(), times.end());
  size_t mid = times.size() / 2;
  Timing t;
  t.medianMs =
      times.size() % 2 ? times[mid] : (times[mid - 1] + times[mid]) / 2;
  t.minMs = times.front();
  return t;
}

/// Re-executes the program without OPENBLAS_CORETYPE: OpenBLAS reads it in
/// its library constructor, before main, so unsetting it here is too late
/// for this process. The environment of these machines forces Haswell
/// kernels, which would handicap the baseline on AVX-512 hardware.
static void reexecWithoutCoreType(char **argv) {
  if (!getenv("OPENBLAS_CORETYPE") || getenv("ATTN_BENCH_KEEP_CORETYPE"))
    return;
  unsetenv("OPENBLAS_CORETYPE");
  execv("/proc/self/exe", argv);
  // If exec fails, go on with the forced core type; the report names it.
}

/// Removes `--threads N`, `--threads=N` (or with one dash) from the command
/// line and sets `threads`. Returns false on a malformed value.
static bool takeThreadsOption(int &argc, char **argv) {
  int out = 1;
  bool optionsEnded = false;
  for (int i = 1; i < argc; ++i) {
    llvm::StringRef name = argv[i];
    if (name == "--")
      optionsEnded = true;
    if (optionsEnded ||
        (!name.consume_front("--") && !name.consume_front("-"))) {
      argv[out++] = argv[i];
      continue;
    }
    llvm::StringRef value;
    if (name == "threads") {
      if (i + 1 >= argc)
        return false;
      value = argv[++i];
    } else if (name.consume_front("threads=")) {
      value = name;
    } else {
      argv[out++] = argv[i];
      continue;
    }
    if (value.getAsInteger(10, threads) || threads == 0)
      return false;
  }
  argv[out] = nullptr;
  argc = out;
  return true;
}

int main(int argc, char **argv) {
  reexecWithoutCoreType(argv);
  llvm::InitLLVM init(argc, argv);
  if (!takeThreadsOption(argc, argv))
    return fail("--threads expects a positive integer");
  cl::SetVersionPrinter([](llvm::raw_ostream &os) {
    os << "attn-bench (attention compiler) built against LLVM "
       << LLVM_VERSION_STRING << "\n";
  });
  cl::HideUnrelatedOptions(benchCategory);
  cl::ParseCommandLineOptions(
      argc, argv,
      "time a compiled attention module against an OpenBLAS baseline\n");
  if (repeat == 0)
    return fail("--repeat must be at least 1");
  // Timed calls reuse freed memory, as they do in attn-run (HeapPolicy.h).
  attn::runtime::retainFreedHeapMemory();
  if (peakGflops <= 0)
    return fail("--peak-gflops must be positive");
  if (queryTile < 0 || keyTile < 0)
    return fail("--query-tile and --key-tile must be at least 0 (0: chosen by "
                "the tile cost model)");
  if (keySplits < 1)
    return fail("--key-splits must be at least 1 (1: never split)");
  if (inputFile != "-" && !llvm::sys::fs::exists(inputFile))
    return fail("cannot open '" + inputFile + "': no such file");
  // Both sides get the same threads. libomp (the compiled module's work
  // items) reads OMP_NUM_THREADS when it starts, at the first parallel
  // region, so setting it before the module is loaded is enough.
  setenv("OMP_NUM_THREADS", std::to_string(threads).c_str(), 1);
  attn_bench::setBlasThreads(int(threads));

  // Inspect the module to set up inputs and baseline.
  attn_bench::BenchModule bench;
  {
    mlir::MLIRContext context;
    attn::prepareContext(context);
    mlir::OwningOpRef<mlir::ModuleOp> module =
        attn::parseModule(inputFile, context);
    if (!module)
      return fail("cannot parse '" + inputFile + "'");
    attn_bench::RequestedSizes requested;
    requested.batch = batchOpt;
    requested.batchGiven = batchOpt.getNumOccurrences();
    requested.querySeq = querySeqOpt;
    requested.querySeqGiven = querySeqOpt.getNumOccurrences();
    requested.keySeq = keySeqOpt;
    requested.keySeqGiven = keySeqOpt.getNumOccurrences();
    if (rt::Status status =
            attn_bench::inspectModule(*module, entry, requested, bench);
        !status)
      return fail(inputFile + ": " + status.getError());
  }
  AttentionProblem &problem = bench.problem;

  // Compile and load.
  attn::CompileOptions options;
  options.queryTile = queryTile;
  options.keySplits = keySplits;
  options.keyTile = keyTile;
  auto compileStart = std::chrono::steady_clock::now();
  mlir::FailureOr<attn::TemporaryLibrary> library =
      attn::compileToTemporaryLibrary(inputFile, "attn-bench", options);
  if (mlir::failed(library))
    return fail("cannot compile '" + inputFile + "'");
  double compileSeconds = std::chrono::duration<double>(
                              std::chrono::steady_clock::now() - compileStart)
                              .count();
  rt::Expected<std::unique_ptr<rt::Module>> loaded =
      rt::Module::load(library->path(), entry);
  if (!loaded)
    return fail(loaded.getError());
  const rt::Module &module = **loaded;
  const rt::Manifest &manifest = module.getManifest();
  attn_bench::BenchInputs inputs;
  const float *q = nullptr, *k = nullptr, *v = nullptr;
  if (rt::Status status =
          attn_bench::prepareInputs(manifest, seed, bench, inputs, q, k, v);
      !status)
    return fail(status.getError());

  attn_bench::MachinePeak machine;
  if (measurePeak)
    machine = attn_bench::measureMachinePeak(threads);

  // Time the compiled entry.
  int32_t status = 0;
  Timing compiled = timeCalls([&] {
    if (int32_t s = module.call(inputs.pointers.data(), inputs.sizes.data()))
      status = s;
  });
  if (status != 0)
    return fail("'@" + entry + "' returned status " + llvm::Twine(status));

  // Time (or just run) the baseline.
  int64_t outElements =
      problem.batch * problem.queryHeads * problem.querySeq * problem.valueDim;
  std::vector<float> reference(outElements);
  std::vector<float> scratch(attn_bench::getScratchElements(problem));
  auto runBaseline = [&] {
    attn_bench::blasAttention(problem, q, k, v, reference.data(),
                              scratch.data());
  };
  // Idle OpenMP workers spin for a while (KMP_BLOCKTIME) after the last
  // region; let them go to sleep before the baseline runs.
  if (threads > 1)
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  Timing blas;
  if (baseline == Baseline::Blas)
    blas = timeCalls(runBaseline);
  else
    runBaseline();

  // Check the compiled output against the baseline.
  const rt::ManifestTensor &outTensor = manifest.results[bench.outputResult];
  const rt::Buffer &outBuffer = inputs.results[bench.outputResult];
  std::vector<float> out(outElements);
  switch (outTensor.type) {
  case rt::ElementType::F32: {
    const float *data = reinterpret_cast<const float *>(outBuffer.data());
    std::copy(data, data + outElements, out.begin());
    break;
  }
  case rt::ElementType::BF16:
    rt::convertBF16ToFloat(reinterpret_cast<const uint16_t *>(outBuffer.data()),
                           out.data(), outElements);
    break;
  case rt::ElementType::F16:
    rt::convertF16ToFloat(reinterpret_cast<const uint16_t *>(outBuffer.data()),
                          out.data(), outElements);
    break;
  default:
    return fail("the output has an unsupported element type");
  }
  bool lowPrecision = outTensor.type != rt::ElementType::F32;
  double atol = lowPrecision ? 2e-2 : 1e-4, rtol = lowPrecision ? 2e-2 : 1e-3;
  double maxAbsErr = 0;
  int64_t bad = 0;
  for (int64_t i = 0; i < outElements; ++i) {
    double err = std::fabs(double(out[i]) - double(reference[i]));
    if (!(err <= atol + rtol * std::fabs(double(reference[i])))) // NaN fails
      ++bad;
    if (!(err <= maxAbsErr))
      maxAbsErr = err;
  }
  bool pass = bad == 0;

  // Report.
  double flops = attn_bench::countFlops(problem);
  auto gflops = [&](const Timing &t) { return flops / (t.medianMs * 1e6); };
  double compiledGflops = gflops(compiled);
  // The same cores for both sides.
  double peak = measurePeak ? machine.fmaGflops : peakGflops * threads;
  // K and V are read at least once per call: the floor of its traffic.
  double kvBytes = double(problem.batch) * problem.kvHeads * problem.keySeq *
                   (problem.headDim + problem.valueDim) *
                   (bench.elementType == "f32"        ? 4
                    : bench.elementType == "f8e4m3fn" ? 1
                                                      : 2);
  double kvGBs = kvBytes / (compiled.medianMs * 1e6);
  bool haveBaseline = baseline == Baseline::Blas;
  double blasGflops = haveBaseline ? gflops(blas) : 0;
  double ratio = haveBaseline ? compiledGflops / blasGflops : 0;
  int64_t pairs = 0;
  for (int64_t b = 0; b < problem.batch; ++b)
    pairs += attn_bench::countVisiblePairs(problem, b);

  llvm::raw_ostream &os = llvm::outs();
  if (csv || format != Format::Text) {
    // One record for both machine-readable formats: each field has its
    // CSV text (fixed precision) and its JSON value (full precision; null
    // where the CSV cell is empty).
    struct Field {
      const char *name;
      std::string text;
      llvm::json::Value value;
    };
    std::vector<Field> fields;
    auto text = [&](const char *name, const std::string &v) {
      fields.push_back({name, v, v});
    };
    auto integer = [&](const char *name, int64_t v) {
      fields.push_back({name, std::to_string(v), v});
    };
    auto number = [&](const char *name, double v, const char *fmt,
                      bool present = true) {
      std::string t;
      if (present)
        llvm::raw_string_ostream(t) << llvm::format(fmt, v);
      fields.push_back(
          {name, t,
           present ? llvm::json::Value(v) : llvm::json::Value(nullptr)});
    };
    text("variant", llvm::sys::path::stem(inputFile).str());
    text("dtype", bench.elementType);
    integer("B", problem.batch);
    integer("Hq", problem.queryHeads);
    integer("Hkv", problem.kvHeads);
    integer("Sq", problem.querySeq);
    integer("Skv", problem.keySeq);
    integer("D", problem.headDim);
    text("mask", problem.describe());
    number("flops", flops, "%.6e");
    number("compiled_median_ms", compiled.medianMs, "%.4f");
    number("compiled_min_ms", compiled.minMs, "%.4f");
    number("compiled_gflops", compiledGflops, "%.2f");
    number("compiled_peak_pct", 100 * compiledGflops / peak, "%.1f");
    number("baseline_median_ms", blas.medianMs, "%.4f", haveBaseline);
    number("baseline_min_ms", blas.minMs, "%.4f", haveBaseline);
    number("baseline_gflops", blasGflops, "%.2f", haveBaseline);
    number("baseline_peak_pct", 100 * blasGflops / peak, "%.1f", haveBaseline);
    number("ratio", ratio, "%.3f", haveBaseline);
    integer("threads", threads);
    number("max_abs_err", maxAbsErr, "%.3e");
    text("check", pass ? "pass" : "FAIL");
    number("peak_gflops", peak, "%.1f");
    number("read_gbs", machine.readGBs, "%.1f", measurePeak);
    number("kv_gbs", kvGBs, "%.2f");
    number("kv_bandwidth_pct", 100 * kvGBs / machine.readGBs, "%.1f",
           measurePeak);
    if (format == Format::Json) {
      // In the CSV's column order.
      llvm::json::OStream json(os, /*IndentSize=*/2);
      json.object([&] {
        for (Field &f : fields)
          json.attribute(f.name, std::move(f.value));
      });
      os << "\n";
    } else {
      llvm::interleave(
          fields, os, [&](const Field &f) { os << f.name; }, ",");
      os << "\n";
      llvm::interleave(
          fields, os, [&](const Field &f) { os << f.text; }, ",");
      os << "\n";
    }
    return pass ? 0 : 1;
  }

  os << "attn-bench: " << inputFile << " @" << entry << "\n";
  os << "shape: B=" << problem.batch << " Hq=" << problem.queryHeads
     << " Hkv=" << problem.kvHeads << " Sq=" << problem.querySeq
     << " Skv=" << problem.keySeq << " D=" << problem.headDim
     << " Dv=" << problem.valueDim << " dtype=" << bench.elementType
     << " mask=" << problem.describe() << "\n";
  auto tileSize = [](int64_t size) {
    return size ? std::to_string(size) : std::string("auto");
  };
  os << "compile: query-tile=" << tileSize(options.queryTile)
     << " key-tile=" << tileSize(options.keyTile)
     << " key-splits=" << options.keySplits << " cpu=" << options.cpu << " ("
     << llvm::format("%.2f", compileSeconds) << " s)\n";
  os << "flops: " << llvm::format("%.4e", flops) << " = 2*(D+Dv)*Hq*" << pairs
     << " visible pairs (of "
     << problem.batch * problem.querySeq * problem.keySeq << ")\n";
  if (measurePeak)
    os << "peak: " << llvm::format("%.1f", peak) << " GFLOP/s fp32 FMA ("
       << machine.isa << "), read bandwidth "
       << llvm::format("%.1f", machine.readGBs) << " GB/s, measured on "
       << threads << " thread" << (threads == 1 ? "" : "s") << "\n";
  else
    os << "peak: " << llvm::format("%.1f", peak)
       << " GFLOP/s = " << llvm::format("%.1f", double(peakGflops))
       << " fp32 FMA per core (--peak-gflops; default 125 = 250 / 2 cores) x "
       << threads << " thread" << (threads == 1 ? "" : "s")
       << " (--peak measures it)\n";
  os << "timing: median and min of " << repeat << " calls after " << warmup
     << " warmup, steady_clock\n";
  os << "compiled: median "
     << llvm::format("%.3f ms  min %.3f ms  %.2f GFLOP/s  %.1f%% of peak",
                     compiled.medianMs, compiled.minMs, compiledGflops,
                     100 * compiledGflops / peak)
     << " (" << threads << " thread" << (threads == 1 ? "" : "s")
     << ", OMP_NUM_THREADS)\n";
  os << "memory: K and V " << llvm::format("%.1f", kvBytes / 1e6) << " MB, "
     << llvm::format("%.2f GB/s", kvGBs);
  if (measurePeak)
    os << llvm::format(", %.1f%% of the read bandwidth",
                       100 * kvGBs / machine.readGBs);
  os << "\n";
  if (haveBaseline) {
    os << "baseline: median "
       << llvm::format("%.3f ms  min %.3f ms  %.2f GFLOP/s  %.1f%% of peak",
                       blas.medianMs, blas.minMs, blasGflops,
                       100 * blasGflops / peak)
       << " (" << threads << " thread" << (threads == 1 ? "" : "s")
       << "; unfused sgemm + softmax + sgemm, "
       << attn_bench::getBlasDescription() << ")\n";
    os << "ratio: compiled/baseline " << llvm::format("%.3f", ratio)
       << "x (GFLOP/s of the medians; > 1 = compiled is faster)\n";
  } else {
    os << "baseline: none (--baseline=none; run once for the check)\n";
  }
  os << "check: max_abs_err=" << llvm::format("%.3e", maxAbsErr)
     << " tolerance " << llvm::format("%g + %g", atol, rtol)
     << "*|ref| vs the f32 BLAS "
     << "baseline: " << (pass ? "PASS" : "FAIL") << " (" << bad << " of "
     << outElements << " outside)\n";
  return pass ? 0 : 1;
}
