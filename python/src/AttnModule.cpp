//===- AttnModule.cpp - The _attn Python extension ------------------------===//
//
// Binds the runtime for the `attn` package: `load` opens the functions of a
// library that attn-compile wrote, and a Function takes and returns NumPy
// arrays. The runtime does the binding (arity, rank, dtype, static sizes,
// size symbols) and its messages name the argument; they are raised as
// ValueError. The extension holds no MLIR or LLVM: compiling is attn-compile's
// job (attn/compiler.py runs it), which keeps LLVM's global state out of the
// Python process and its other extensions.
//
//===----------------------------------------------------------------------===//

#include "attn/Runtime/Binding.h"
#include "attn/Runtime/Execution.h"
#include "attn/Runtime/HeatMap.h"
#include "attn/Runtime/Manifest.h"
#include "attn/Runtime/Module.h"
#include "attn/Runtime/Npy.h"
#include "attn/Runtime/Run.h"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstring>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace py = pybind11;
namespace rt = attn::runtime;

namespace {

/// One function of a compiled library; the library stays loaded while the
/// Function lives.
struct Function {
  std::shared_ptr<rt::Module> module;
};

/// The .npy element type of a NumPy array (native byte order), when the
/// runtime has one.
std::optional<rt::NpyDType> getNpyDType(const py::dtype &dtype) {
  static const rt::NpyDType all[] = {
      rt::NpyDType::Bool,   rt::NpyDType::Int8,    rt::NpyDType::Int32,
      rt::NpyDType::Int64,  rt::NpyDType::Float16, rt::NpyDType::Float32,
      rt::NpyDType::Float64};
  for (rt::NpyDType type : all) {
    py::dtype candidate(rt::getNpyDTypeName(type));
    if (dtype.kind() == candidate.kind() &&
        dtype.itemsize() == candidate.itemsize())
      return type;
  }
  return std::nullopt;
}

/// Copies a C-contiguous, native-order array (attn/compiler.py makes it so)
/// into the runtime's aligned buffer. Element types the runtime has no .npy
/// type for are a TypeError naming the argument.
rt::NpyArray toNpyArray(const py::array &array, size_t index,
                        const rt::ManifestTensor *spec) {
  std::optional<rt::NpyDType> dtype = getNpyDType(array.dtype());
  if (!dtype) {
    std::string name = spec ? " '" + spec->name + "'" : std::string();
    std::string expected =
        spec ? std::string(" (expected ") +
                   rt::getNpyDTypeName(rt::getNpyTypeFor(spec->type)) + ")"
             : std::string();
    throw py::type_error("argument #" + std::to_string(index) + name +
                         ": unsupported dtype " +
                         py::str(array.dtype()).cast<std::string>() + expected);
  }
  if (!(array.flags() & py::array::c_style))
    throw std::logic_error("the array must be C-contiguous");
  rt::NpyArray result;
  result.dtype = *dtype;
  result.shape.assign(array.shape(), array.shape() + array.ndim());
  rt::Expected<rt::Buffer> buffer =
      rt::Buffer::allocate(static_cast<size_t>(array.nbytes()));
  if (!buffer)
    throw py::value_error(buffer.getError());
  std::memcpy(buffer->data(), array.data(), buffer->size());
  result.data = std::move(*buffer);
  return result;
}

py::array toNumPy(const rt::NpyArray &array) {
  py::array result(py::dtype(rt::getNpyDTypeName(array.dtype)), array.shape);
  std::memcpy(result.mutable_data(), array.data.data(), array.data.size());
  return result;
}

/// Runs `function` on `arrays`; one result comes back as an array, several
/// as a tuple.
py::object call(const Function &function,
                const std::vector<py::array> &arrays) {
  const rt::Manifest &manifest = function.module->getManifest();
  std::vector<rt::NpyArray> inputs;
  inputs.reserve(arrays.size());
  for (size_t i = 0; i < arrays.size(); ++i)
    inputs.push_back(toNpyArray(
        arrays[i], i, i < manifest.args.size() ? &manifest.args[i] : nullptr));

  std::optional<rt::Expected<rt::ExecutionResult>> result;
  {
    // The inputs are copies: other Python threads may run meanwhile.
    py::gil_scoped_release release;
    result.emplace(rt::execute(*function.module, std::move(inputs)));
  }
  if (!*result)
    throw py::value_error((*result).getError());
  std::vector<rt::NpyArray> &outputs = (**result).outputs;
  if (outputs.size() == 1)
    return toNumPy(outputs.front());
  py::tuple tuple(outputs.size());
  for (size_t i = 0; i < outputs.size(); ++i)
    tuple[i] = toNumPy(outputs[i]);
  return std::move(tuple);
}

/// A tensor of the manifest as (name, element type, .npy dtype, dims): a
/// static size is an int, a size symbol its name ("s0").
py::tuple describe(const rt::ManifestTensor &tensor) {
  py::list dims;
  for (const rt::ManifestDim &dim : tensor.dims)
    if (dim.isSymbol)
      dims.append("s" + std::to_string(dim.value));
    else
      dims.append(dim.value);
  return py::make_tuple(tensor.name, rt::getElementTypeName(tensor.type),
                        rt::getNpyDTypeName(rt::getNpyTypeFor(tensor.type)),
                        py::tuple(dims));
}

py::list describeAll(const std::vector<rt::ManifestTensor> &tensors) {
  py::list list;
  for (const rt::ManifestTensor &tensor : tensors)
    list.append(describe(tensor));
  return list;
}

/// Loads `names` from the library at `path`; an error (no such file, no
/// such function, a bad manifest) is a ValueError with the runtime's
/// message.
std::vector<Function> load(const std::string &path,
                           const std::vector<std::string> &names) {
  std::vector<Function> functions;
  for (const std::string &name : names) {
    rt::Expected<std::unique_ptr<rt::Module>> module =
        rt::Module::load(path, name);
    if (!module)
      throw py::value_error(module.getError());
    functions.push_back({std::shared_ptr<rt::Module>(std::move(*module))});
  }
  return functions;
}

} // namespace

PYBIND11_MODULE(_attn, m) {
  m.doc() = "The runtime of the attention compiler (see the attn package)";
  py::class_<Function>(m, "Function")
      .def_property_readonly(
          "name", [](const Function &f) { return f.module->getFunction(); })
      .def_property_readonly("target",
                             [](const Function &f) {
                               return rt::getTargetName(f.module->getTarget());
                             })
      .def_property_readonly("args",
                             [](const Function &f) {
                               return describeAll(f.module->getManifest().args);
                             })
      .def_property_readonly("results",
                             [](const Function &f) {
                               return describeAll(
                                   f.module->getManifest().results);
                             })
      .def_property_readonly(
          "size_labels",
          [](const Function &f) { return f.module->getManifest().sizeLabels; })
      .def("__call__", &call);

  m.def(
      "write_heat_map",
      [](const std::string &path, const py::array &weights,
         const std::string &title) {
        rt::Status status =
            rt::writeHeatMapPng(path, toNpyArray(weights, 0, nullptr), title);
        if (!status)
          throw py::value_error(status.getError());
      },
      py::arg("path"), py::arg("weights"), py::arg("title"),
      "Writes a C-contiguous float array as a PNG heat map.");
  m.def("describe_weights", &rt::describeWeightsResult, py::arg("name"),
        "The title of a weights result: 'weights0: causal.mlir:31, softmax, "
        "causal'.");
  m.def("load", &load, py::arg("path"), py::arg("names"),
        "Loads the named functions of a library written by attn-compile.");
}
