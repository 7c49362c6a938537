//===- sglc.cpp - The sgl compiler driver ---------------------------------===//
//
//   sglc FILE.sgl [-o FILE.sglp] [--emit=ast|mlir|plan-json|plan] [--no-passes]
//
// Parses and checks a .sgl file, lowers it to the sgl dialect, runs the pass
// pipeline and translates the result to a plan. --emit prints any stage.
//
//===----------------------------------------------------------------------===//

#include "compiler/Diagnostics.h"
#include "compiler/Parser.h"
#include "compiler/Sema.h"
#include "compiler/mlir/DiagnosticBridge.h"
#include "compiler/mlir/MLIRGen.h"
#include "compiler/mlir/Pipeline.h"
#include "compiler/mlir/PlanTranslation.h"
#include "runtime/plan/PlanJson.h"
#include "runtime/plan/PlanReader.h"
#include "runtime/plan/PlanWriter.h"
#include "sgl/SGLDialect.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OperationSupport.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/raw_ostream.h"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <iostream>

using namespace sgl::compiler;
namespace plan = sgl::runtime::plan;

namespace {

constexpr const char *kProducer = "sglc 0.1";

struct Options {
  std::string input;
  std::string output;
  std::string emit = "plan";
  bool noPasses = false;
};

int reportErrors(const DiagnosticEngine &diags) {
  unsigned n = diags.errorCount();
  std::cerr << n << (n == 1 ? " error" : " errors") << " generated.\n";
  return 1;
}

/// Writes text to the -o file, or stdout when none was given.
int writeText(const Options &options, const std::string &text) {
  if (options.output.empty() || options.output == "-") {
    std::cout << text;
    return 0;
  }
  std::error_code error;
  llvm::raw_fd_ostream out(options.output, error);
  if (error) {
    std::cerr << "sglc: error: cannot write '" << options.output << "': " << error.message()
              << "\n";
    return 1;
  }
  out << text;
  return 0;
}

/// The default plan path: the input's stem with .sglp, in the working directory.
std::string defaultPlanPath(const std::string &input) {
  return std::filesystem::path(input).stem().string() + ".sglp";
}

int emitPlan(const Options &options, mlir::ModuleOp module) {
  mlir::FailureOr<plan::Plan> translated = translateToPlan(module);
  if (mlir::failed(translated))
    return 1;
  translated->producer = kProducer;
  std::string bytes = plan::serializePlan(*translated);
  // Read the plan back exactly as the runtime will, so a bug in the writer
  // is a compile error here rather than a surprise in sglrun.
  sgl::Expected<plan::Plan> reread = plan::readPlan(bytes);
  if (!reread) {
    std::cerr << "sglc: internal error: the written plan does not verify: "
              << reread.error().message << "\n";
    return 1;
  }
  if (options.emit == "plan-json")
    return writeText(options, plan::planToJson(*reread));
  std::string path = options.output.empty() ? defaultPlanPath(options.input) : options.output;
  sgl::Status written = plan::writePlanBytes(bytes, path);
  if (!written) {
    std::cerr << "sglc: error: " << written.error().message << "\n";
    return 1;
  }
  return 0;
}

int run(const Options &options) {
  SourceManager sources;
  DiagnosticEngine diags(sources, std::cerr);
  uint32_t file;
  std::string error;
  if (!sources.addFile(options.input, file, error)) {
    std::cerr << "sglc: error: " << error << "\n";
    return 1;
  }

  Module ast;
  if (parseFile(file, sources, diags, ast))
    checkModule(ast, diags);
  if (diags.hasErrors())
    return reportErrors(diags);
  if (ast.programs.empty()) {
    std::cerr << options.input << ": error: no program in file\n";
    return 1;
  }
  if (options.emit == "ast")
    return writeText(options, dumpAST(ast));

  mlir::MLIRContext context;
  context.getOrLoadDialect<sgl::dialect::SGLDialect>();
  DiagnosticBridge bridge(context, sources, diags);
  mlir::OwningOpRef<mlir::ModuleOp> module = mlirGen(context, ast, sources);
  if (!module)
    return reportErrors(diags);
  if (!options.noPasses) {
    mlir::PassManager pm(&context);
    buildPipeline(pm);
    if (mlir::failed(pm.run(*module)))
      return reportErrors(diags);
  }
  if (options.emit == "mlir") {
    std::string text;
    llvm::raw_string_ostream os(text);
    module->print(os, mlir::OpPrintingFlags().enableDebugInfo(/*enable=*/true,
                                                              /*prettyForm=*/false));
    return writeText(options, os.str());
  }
  return emitPlan(options, *module);
}

} // namespace

int main(int argc, char **argv) {
  CLI::App app{"sglc: compile .sgl programs to execution plans (.sglp)"};
  Options options;
  app.add_option("input", options.input, "the .sgl file to compile")->required();
  app.add_option("-o,--output", options.output,
                 "output file; default: <input stem>.sglp for plans, stdout otherwise");
  app.add_option("--emit", options.emit,
                 "what to produce: ast, mlir (after the pass pipeline), plan-json, plan")
      ->check(CLI::IsMember({"ast", "mlir", "plan-json", "plan"}));
  app.add_flag("--no-passes", options.noPasses,
               "skip the pass pipeline (show MLIRGen's output as is)");
  CLI11_PARSE(app, argc, argv);
  return run(options);
}
