# `cmake --install build --prefix P`: headers (with the generated .h.inc and
# the ODS .td files), libraries, tools, and the CMake package
# P/lib/cmake/AttnCompiler, whose imported targets AttnCompiler::<library>
# let other compilers link the dialect, the pipelines, the AOT compiler and
# the runtime (examples/embedding).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(ATTN_INSTALL_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/AttnCompiler)

# The libraries another compiler links.
set(attn_exported_libraries AttnDialect AttnTransforms AttnConversionToLoops
    AttnConversionToGPU AttnPipelines AttnInitAll AttnOnnxImport AttnCompiler
    AttnCudaRuntime AttnRuntime AttnCAPI AttnCAPIRuntime)
set(attn_installed_tools attn-opt attn-compile attn-run attn-import attn-exec
    attn-bench)
# Optional pieces (the ONNX importer, the CUDA runtime, attn-bench) exist only
# in the builds that have their dependencies.
foreach(list_name attn_exported_libraries attn_installed_tools)
  set(present)
  foreach(target IN LISTS ${list_name})
    if(TARGET ${target})
      list(APPEND present ${target})
    endif()
  endforeach()
  set(${list_name} ${present})
endforeach()

install(TARGETS ${attn_exported_libraries}
  EXPORT AttnCompilerTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
# Linked into the modules that attn-compile --target=gpu-emulator builds, not
# into any program, so it is installed but not exported.
install(TARGETS AttnGpuEmulator ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(TARGETS ${attn_installed_tools}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

install(DIRECTORY ${ATTN_SOURCE_DIR}/include/attn
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.h")
install(DIRECTORY ${ATTN_SOURCE_DIR}/include/attn-c
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.h")
install(DIRECTORY ${ATTN_BINARY_DIR}/include/attn
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.h.inc")
# The .td files include one another by file name, so they stay together;
# mlir_tablegen users add ATTN_TABLEGEN_INCLUDE_DIR to their include path.
set(ATTN_INSTALL_TABLEGEN_DIR ${CMAKE_INSTALL_INCLUDEDIR}/attn/Dialect/Attn)
install(DIRECTORY ${ATTN_SOURCE_DIR}/dialects/Attn/
  DESTINATION ${ATTN_INSTALL_TABLEGEN_DIR} FILES_MATCHING PATTERN "*.td")

install(EXPORT AttnCompilerTargets NAMESPACE AttnCompiler::
  DESTINATION ${ATTN_INSTALL_CMAKE_DIR})
set(config_dir ${ATTN_BINARY_DIR}/${ATTN_INSTALL_CMAKE_DIR})
configure_package_config_file(
  ${CMAKE_CURRENT_LIST_DIR}/AttnCompilerConfig.cmake.in
  ${config_dir}/AttnCompilerConfig.cmake
  INSTALL_DESTINATION ${ATTN_INSTALL_CMAKE_DIR}
  PATH_VARS CMAKE_INSTALL_INCLUDEDIR ATTN_INSTALL_TABLEGEN_DIR)
# Before 1.0 a minor version may change the C++ API.
write_basic_package_version_file(${config_dir}/AttnCompilerConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${config_dir}/AttnCompilerConfig.cmake
  ${config_dir}/AttnCompilerConfigVersion.cmake
  DESTINATION ${ATTN_INSTALL_CMAKE_DIR})
