//===- sgl-opt.cpp - Optimizer driver for the sgl dialect -----------------===//
//
// Parses sgl dialect IR, runs passes and prints the result, like mlir-opt:
//   sgl-opt input.mlir -sgl-fold-text
// `--help` lists every registered pass.
//
//===----------------------------------------------------------------------===//
#include "sgl/SGLDialect.h"
#include "sgl/SGLPasses.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"

int main(int argc, char **argv) {
  mlir::registerCanonicalizerPass();
  mlir::registerCSEPass();
  mlir::registerSymbolDCEPass();
  sgl::dialect::registerSGLPasses();

  mlir::DialectRegistry registry;
  registry.insert<sgl::dialect::SGLDialect, mlir::func::FuncDialect>();
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "sgl dialect optimizer driver\n", registry));
}
