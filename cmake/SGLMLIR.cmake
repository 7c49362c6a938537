#===- SGLMLIR.cmake - Find MLIR 22 and set up TableGen --------------------===#
#
# Finds the MLIR/LLVM 22 packages and makes the imported `MLIR` and `LLVM`
# shared-library targets global, so every folder can link them. Targets that
# use MLIR link through the two dylibs (libMLIR.so, libLLVM.so) rather than
# the hundreds of static libMLIR*.a archives: links stay fast and small.
#
# Include it once (it is guarded); it is included by dialects/CMakeLists.txt.
# Consumers only link `SGLDialect` (or `SGLMLIRGen`), which carry the include
# directories, definitions and libraries as PUBLIC usage requirements.
#
#===----------------------------------------------------------------------===#
include_guard(GLOBAL)

find_package(MLIR REQUIRED CONFIG
  HINTS /usr/lib/llvm-22/lib/cmake/mlir)
if(NOT LLVM_VERSION_MAJOR EQUAL 22)
  message(FATAL_ERROR "sgl needs MLIR 22, found ${LLVM_PACKAGE_VERSION} in ${MLIR_DIR}")
endif()
message(STATUS "sgl: using MLIR ${LLVM_PACKAGE_VERSION} from ${MLIR_DIR}")

list(APPEND CMAKE_MODULE_PATH ${MLIR_CMAKE_DIR} ${LLVM_CMAKE_DIR})
include(TableGen)
include(AddLLVM)
include(AddMLIR)

# find_package() scopes imported targets to this directory; make the two
# dylibs visible to compiler/ as well.
set_target_properties(MLIR LLVM PROPERTIES IMPORTED_GLOBAL TRUE)

# One interface target with everything a translation unit that includes MLIR
# headers needs. MLIR headers are SYSTEM so -Wall -Wextra stays about our code.
if(NOT TARGET SGLMLIRSupport)
  add_library(SGLMLIRSupport INTERFACE)
  target_include_directories(SGLMLIRSupport SYSTEM INTERFACE
    ${LLVM_INCLUDE_DIRS} ${MLIR_INCLUDE_DIRS})
  separate_arguments(SGL_LLVM_DEFINITIONS NATIVE_COMMAND "${LLVM_DEFINITIONS}")
  target_compile_options(SGLMLIRSupport INTERFACE ${SGL_LLVM_DEFINITIONS})
  if(NOT LLVM_ENABLE_RTTI)
    target_compile_options(SGLMLIRSupport INTERFACE -fno-rtti)
  endif()
  target_link_libraries(SGLMLIRSupport INTERFACE MLIR LLVM)
endif()
