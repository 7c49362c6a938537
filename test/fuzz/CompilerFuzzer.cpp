//===- CompilerFuzzer.cpp - Fuzz the whole sglc pipeline ------------------===//
//
// Every input that passes the front end must also pass MLIRGen, the
// verifier, the pass pipeline, translation and the runtime's plan reader:
// a checked program that sglc cannot compile is a compiler bug.
//
//===----------------------------------------------------------------------===//

#include "compiler/Parser.h"
#include "compiler/Sema.h"
#include "compiler/mlir/MLIRGen.h"
#include "compiler/mlir/Pipeline.h"
#include "compiler/mlir/PlanTranslation.h"
#include "runtime/plan/PlanReader.h"
#include "runtime/plan/PlanWriter.h"
#include "sgl/SGLDialect.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"

#include <cstdio>
#include <cstdlib>
#include <sstream>

using namespace sgl::compiler;

namespace {

[[noreturn]] void bug(const char *stage) {
  std::fprintf(stderr, "CompilerFuzzer: a checked program failed in %s\n",
               stage);
  std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  SourceManager sources;
  uint32_t file = sources.addBuffer(
      "fuzz.sgl", std::string(reinterpret_cast<const char *>(data), size));
  std::ostringstream sink;
  DiagnosticEngine diags(sources, sink);
  Module ast;
  if (!parseFile(file, sources, diags, ast) || !checkModule(ast, diags) ||
      diags.hasErrors() || ast.programs.empty())
    return 0;

  mlir::MLIRContext context;
  context.getOrLoadDialect<sgl::dialect::SGLDialect>();
  context.getDiagEngine().registerHandler(
      [](mlir::Diagnostic &) { return mlir::success(); });
  mlir::OwningOpRef<mlir::ModuleOp> module = mlirGen(context, ast, sources);
  if (!module)
    bug("MLIRGen");
  mlir::PassManager pm(&context);
  buildPipeline(pm);
  if (mlir::failed(pm.run(*module)))
    bug("the pass pipeline");
  mlir::FailureOr<sgl::runtime::plan::Plan> plan = translateToPlan(*module);
  if (mlir::failed(plan))
    bug("plan translation");
  if (!sgl::runtime::plan::readPlan(sgl::runtime::plan::serializePlan(*plan)))
    bug("the plan reader");
  return 0;
}
