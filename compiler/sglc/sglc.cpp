//===- sglc.cpp - The sgl compiler driver ---------------------------------===//
//
//   sglc FILE.sgl [-o FILE.sglp] [--emit=ast|mlir|plan-json|plan] [--no-passes]
//        [--error-limit N]
//
// Parses and checks a .sgl file ('-': standard input), lowers it to the sgl
// dialect, runs the pass pipeline and translates the result to a plan.
// --emit prints any stage; `-o -` writes any of them to standard output.
// Exit status: 0 success, 1 error, 2 usage error (runtime/support/ToolMain.h).
//
//===----------------------------------------------------------------------===//

#include "compiler/Diagnostics.h"
#include "compiler/Imports.h"
#include "compiler/Parser.h"
#include "compiler/Sema.h"
#include "compiler/mlir/DiagnosticBridge.h"
#include "compiler/mlir/MLIRGen.h"
#include "compiler/mlir/Pipeline.h"
#include "compiler/mlir/PlanTranslation.h"
#include "runtime/plan/PlanJson.h"
#include "runtime/plan/PlanReader.h"
#include "runtime/plan/PlanWriter.h"
#include "runtime/support/CommandLine.h"
#include "runtime/support/OutputFile.h"
#include "sgl/SGLDialect.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OperationSupport.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <filesystem>
#include <iostream>

using namespace sgl::compiler;
namespace plan = sgl::runtime::plan;

namespace {

constexpr const char *kTool = "sglc";
constexpr const char *kProducer = "sglc 0.1";

struct Options {
  std::string input;
  std::string output;
  std::string emit = "plan";
  bool noPasses = false;
  std::vector<std::string> disabledPasses;
  bool printIRAfterAll = false;
  bool timing = false;
  unsigned errorLimit = DiagnosticEngine::kDefaultErrorLimit;
};

/// "2 warnings and 1 error generated.", as clang counts them.
std::string countLine(const DiagnosticEngine &diags) {
  auto count = [](unsigned n, const char *what) {
    return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
  };
  std::string line;
  if (unsigned w = diags.warningCount())
    line = count(w, "warning");
  if (unsigned e = diags.errorCount())
    line += (line.empty() ? "" : " and ") + count(e, "error");
  return line + " generated.\n";
}

int reportErrors(const DiagnosticEngine &diags) {
  std::cerr << countLine(diags);
  return 1;
}

/// Writes `bytes` to the -o file, or to stdout for none or "-".
int writeResult(const std::string &path, std::string_view bytes) {
  if (sgl::Status written = sgl::writeOutput(path, bytes); !written)
    return sgl::reportError(kTool, written.error().message);
  return sgl::kExitSuccess;
}

/// The default plan path: the input's stem with .sglp, in the working
/// directory.
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
    return sgl::reportError(
        kTool, "internal error: the written plan does not verify: " +
                   reread.error().message);
  }
  if (options.emit == "plan-json")
    return writeResult(options.output, plan::planToJson(*reread));
  // A binary plan goes to <stem>.sglp unless -o names a file or "-".
  std::string path =
      options.output.empty() ? defaultPlanPath(options.input) : options.output;
  return writeResult(path, bytes);
}

int run(const Options &options) {
  if (options.input == "-" && options.emit == "plan" && options.output.empty())
    return sgl::reportUsageError(
        kTool, "a plan compiled from standard input needs -o FILE "
               "(or -o - for standard output)");
  SourceManager sources;
  DiagnosticEngine diags(sources, std::cerr);
  diags.setErrorLimit(options.errorLimit);
  uint32_t file;
  std::string error;
  if (!sources.addFile(options.input, file, error))
    return sgl::reportError(kTool, error);

  Module ast;
  if (parseFile(file, sources, diags, ast) &&
      loadImports(ast, file, sources, diags))
    checkModule(ast, diags);
  if (diags.hasErrors())
    return reportErrors(diags);
  if (diags.warningCount())
    std::cerr << countLine(diags);
  if (std::all_of(ast.programs.begin(), ast.programs.end(),
                  [](const Program &p) { return p.imported; })) {
    std::cerr << options.input << ": error: no program in file\n";
    return 1;
  }
  if (options.emit == "ast")
    return writeResult(options.output, dumpAST(ast));

  mlir::MLIRContext context;
  context.getOrLoadDialect<sgl::dialect::SGLDialect>();
  DiagnosticBridge bridge(context, sources, diags);
  mlir::OwningOpRef<mlir::ModuleOp> module = mlirGen(context, ast, sources);
  if (!module)
    return reportErrors(diags);
  if (!options.noPasses) {
    mlir::PassManager pm(&context);
    buildPipeline(
        pm, {options.disabledPasses.begin(), options.disabledPasses.end()});
    if (options.printIRAfterAll) {
      // Module-scope printing needs the passes on one thread.
      context.disableMultithreading();
      pm.enableIRPrinting(
          /*shouldPrintBeforePass=*/[](mlir::Pass *,
                                       mlir::Operation *) { return false; },
          /*shouldPrintAfterPass=*/
          [](mlir::Pass *, mlir::Operation *) { return true; },
          /*printModuleScope=*/true, /*printAfterOnlyOnChange=*/false);
    }
    if (options.timing)
      pm.enableTiming();
    if (mlir::failed(pm.run(*module)))
      return reportErrors(diags);
  }
  if (options.emit == "mlir") {
    std::string text;
    llvm::raw_string_ostream os(text);
    module->print(
        os, mlir::OpPrintingFlags().enableDebugInfo(/*enable=*/true,
                                                    /*prettyForm=*/false));
    return writeResult(options.output, os.str());
  }
  return emitPlan(options, *module);
}

} // namespace

int main(int argc, char **argv) {
  CLI::App app{"sglc: compile .sgl programs to execution plans (.sglp)"};
  Options options;
  app.add_option("input", options.input,
                 "the .sgl file to compile ('-': stdin)")
      ->required();
  app.add_option(
      "-o,--output", options.output,
      "output file ('-': stdout); default: <input stem>.sglp for plans, "
      "stdout otherwise");
  app.add_option("--emit", options.emit,
                 "what to produce: ast, mlir (after the pass pipeline), "
                 "plan-json, plan")
      ->check(CLI::IsMember({"ast", "mlir", "plan-json", "plan"}));
  app.add_flag("--no-passes", options.noPasses,
               "skip the pass pipeline (show MLIRGen's output as is)");
  std::string passList;
  for (const std::string &name : pipelinePassNames())
    passList += (passList.empty() ? "" : ", ") + name;
  app.add_option("--disable-pass", options.disabledPasses,
                 "run the pipeline without this pass (repeatable): " + passList)
      ->check(CLI::IsMember(pipelinePassNames()));
  app.add_flag("--mlir-print-ir-after-all", options.printIRAfterAll,
               "print the module to stderr after every pass");
  app.add_flag("--mlir-timing", options.timing,
               "print the time each pass took to stderr");
  app.add_option("--error-limit", options.errorLimit,
                 "stop after this many errors (0: no limit)")
      ->check(sgl::UnsignedIn(0, UINT32_MAX))
      ->capture_default_str();
  if (std::optional<int> exit = sgl::parseCommandLine(app, argc, argv, kTool))
    return *exit;
  return sgl::guardedMain(kTool, [&] { return run(options); });
}
