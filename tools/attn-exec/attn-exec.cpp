//===- attn-exec.cpp - Run a compiled attn library on .npy files ----------===//
//
//   attn-exec libmodel.so --input=@q.npy --input=@k.npy --input=@v.npy
//       --output=@o.npy [--entry=main] [--repeat=N] [--print-time]
//
// Loads a library built by attn-compile, binds the inputs (in argument
// order), calls the entry point and writes the results (in result order),
// like attn-run without the compiler: it needs only the runtime, not MLIR or
// LLVM. The function's manifest says where it runs: on the CPU, or (target
// cuda) on the GPU through the runtime's CUDA half. Every user error prints
// "error: ..." and exits with 1.
//
//===----------------------------------------------------------------------===//

#include "attn/Runtime/Cuda.h"
#include "attn/Runtime/Module.h"
#include "attn/Runtime/Run.h"

#include <fmt/format.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rt = attn::runtime;

static constexpr const char *kUsage =
    "usage: attn-exec LIB.so [--entry=NAME] --input=@FILE.npy ... "
    "--output=@FILE.npy ... [--repeat=N] [--print-time] "
    "[--dump-weights=DIR]\n";

static constexpr const char *kHelp =
    "\n"
    "Runs a function of a library built by attn-compile on .npy files.\n"
    "\n"
    "  --entry=NAME         the function to run (default: main)\n"
    "  --input=@FILE.npy    an argument of the function, in order\n"
    "  --output=@FILE.npy   where to write a result, in order\n"
    "  --repeat=N           number of calls (timing; default 1)\n"
    "  --print-time         print the median time of the calls (wall time\n"
    "                       on the CPU, CUDA event time on a GPU)\n"
    "  --dump-weights=DIR   write the attention weights of a library built\n"
    "                       with attn-compile --expose-weights as .npy and\n"
    "                       PNG heat maps into DIR\n"
    "  --version            print the version and whether CUDA is supported\n"
    "\n"
    "Functions whose manifest says 'target cuda' run on CUDA device\n"
    "$ATTN_CUDA_DEVICE (default 0) through libcuda.so.1.\n";

namespace {
struct Options {
  std::string library;
  std::string entry = "main";
  std::vector<std::string> inputs, outputs;
  unsigned repeat = 1;
  bool printTime = false;
  std::string weightsDir;
};

/// What parsing the command line asks for.
enum class Action { Run, Help, Version };
} // namespace

static int fail(const std::string &message) {
  std::fprintf(stderr, "error: %s\n", message.c_str());
  return 1;
}

static rt::Expected<unsigned> parseRepeat(std::string_view text) {
  rt::Error invalid{
      fmt::format("--repeat must be a positive integer, got '{}'", text)};
  if (text.empty() ||
      text.find_first_not_of("0123456789") != std::string_view::npos)
    return invalid;
  std::string digits(text);
  errno = 0;
  unsigned long long count = std::strtoull(digits.c_str(), nullptr, 10);
  if (errno || count > UINT_MAX)
    return invalid;
  if (count == 0)
    return rt::Error{"--repeat must be at least 1"};
  return static_cast<unsigned>(count);
}

/// Parses argv: options are "--name=value" or "--name value" (one dash
/// also works), and the one positional argument is the library.
static rt::Expected<Action> parseArguments(int argc, char **argv,
                                           Options &options) {
  std::optional<std::string> library;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg.size() < 2 || arg[0] != '-') {
      if (library)
        return rt::Error{fmt::format(
            "unexpected argument '{}': only one library is run", arg)};
      library = std::string(arg);
      continue;
    }
    std::string_view name = arg.substr(arg[1] == '-' ? 2 : 1);
    std::optional<std::string_view> value;
    if (size_t eq = name.find('='); eq != std::string_view::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    if (name == "help" || name == "h")
      return Action::Help;
    if (name == "version")
      return Action::Version;
    if (name == "print-time") {
      if (value && *value != "true" && *value != "false")
        return rt::Error{fmt::format(
            "--print-time takes no value (or true/false), got '{}'", *value)};
      options.printTime = !value || *value == "true";
      continue;
    }
    if (name != "entry" && name != "input" && name != "output" &&
        name != "repeat" && name != "dump-weights")
      return rt::Error{fmt::format("unknown option '{}'", arg)};
    if (!value) {
      if (i + 1 >= argc)
        return rt::Error{fmt::format("option '--{}' needs a value", name)};
      value = std::string_view(argv[++i]);
    }
    if (name == "entry") {
      if (value->empty())
        return rt::Error{"--entry needs a function name"};
      options.entry = std::string(*value);
    } else if (name == "input") {
      options.inputs.emplace_back(*value);
    } else if (name == "output") {
      options.outputs.emplace_back(*value);
    } else if (name == "dump-weights") {
      if (value->empty())
        return rt::Error{"--dump-weights needs a directory"};
      options.weightsDir = std::string(*value);
    } else {
      rt::Expected<unsigned> repeat = parseRepeat(*value);
      if (!repeat)
        return repeat.takeError();
      options.repeat = *repeat;
    }
  }
  if (!library)
    return rt::Error{"no library given"};
  options.library = std::move(*library);
  return Action::Run;
}

int main(int argc, char **argv) {
  Options options;
  rt::Expected<Action> action = parseArguments(argc, argv, options);
  if (!action) {
    std::fprintf(stderr, "error: %s\n%s", action.getError().c_str(), kUsage);
    return 1;
  }
  if (*action == Action::Help) {
    std::fputs(kUsage, stdout);
    std::fputs(kHelp, stdout);
    return 0;
  }
  if (*action == Action::Version) {
    std::printf("attn-exec (attention compiler runtime), CUDA support: %s\n",
                rt::cuda::isBuiltWithCuda() ? "yes" : "no");
    return 0;
  }

  // Read the inputs before loading: a bad file fails fast.
  rt::Expected<rt::RunFiles> files =
      rt::readRunFiles(options.inputs, options.outputs);
  if (!files)
    return fail(files.getError());
  rt::Expected<std::unique_ptr<rt::Module>> module =
      rt::Module::load(options.library, options.entry);
  if (!module)
    return fail(module.getError());
  rt::Expected<rt::ExecutionResult> result =
      rt::runAndWriteOutputs(**module, std::move(*files), options.repeat);
  if (!result)
    return fail(result.getError());
  if (!options.weightsDir.empty()) {
    rt::Expected<std::vector<std::string>> written =
        rt::dumpWeights(**module, *result, options.weightsDir);
    if (!written)
      return fail(written.getError());
    if (written->empty())
      return fail(fmt::format("--dump-weights: function '{}' returns no "
                              "attention weights (compile it with "
                              "attn-compile --expose-weights)",
                              options.entry));
    for (const std::string &line : *written)
      std::printf("weights: %s\n", line.c_str());
  }
  if (options.printTime)
    std::fputs(rt::formatTimeLine(*result).c_str(), stdout);
  return 0;
}
