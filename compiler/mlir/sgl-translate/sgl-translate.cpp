//===- sgl-translate.cpp - Translations out of the sgl dialect ------------===//
//
// Like mlir-translate, for the sgl dialect:
//   sgl-translate --sgl-to-plan-json input.mlir
// prints the plan that sglc would write, as JSON. `--help` lists the
// translations.
//
//===----------------------------------------------------------------------===//
#include "compiler/mlir/PlanTranslation.h"
#include "runtime/plan/PlanJson.h"
#include "sgl/SGLDialect.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/Support/raw_ostream.h"

int main(int argc, char **argv) {
  mlir::TranslateFromMLIRRegistration toPlanJson(
      "sgl-to-plan-json", "translate sgl programs to a plan, printed as JSON",
      [](mlir::ModuleOp module, llvm::raw_ostream &os) -> mlir::LogicalResult {
        mlir::FailureOr<sgl::runtime::plan::Plan> plan =
            sgl::compiler::translateToPlan(module);
        if (mlir::failed(plan))
          return mlir::failure();
        os << sgl::runtime::plan::planToJson(*plan);
        return mlir::success();
      },
      [](mlir::DialectRegistry &registry) {
        registry.insert<sgl::dialect::SGLDialect>();
      });
  return mlir::failed(
      mlir::mlirTranslateMain(argc, argv, "sgl translation driver\n"));
}
