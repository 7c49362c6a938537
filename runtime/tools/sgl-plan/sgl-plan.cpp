//===- sgl-plan.cpp - Inspect and check compiled plans --------------------===//
//
//   sgl-plan dump FILE.sglp     print the plan as JSON
//   sgl-plan verify FILE.sglp   check it; print "ok: N programs"
//
// FILE may be '-' for standard input. Errors go to stderr as
// "sgl-plan: error: FILE: message" with exit status 1; usage errors exit
// with status 2 (see runtime/support/ToolMain.h).
//
//===----------------------------------------------------------------------===//
#include "runtime/plan/PlanJson.h"
#include "runtime/plan/PlanReader.h"
#include "runtime/support/CommandLine.h"
#include "runtime/support/OutputFile.h"

#include <string>

using namespace sgl::runtime::plan;

namespace {

constexpr const char *kTool = "sgl-plan";

int dumpPlan(const std::string &path) {
  sgl::Expected<Plan> plan = readPlanFile(path);
  if (!plan)
    return sgl::reportError(kTool, plan.error().message);
  if (sgl::Status written = sgl::writeOutput("-", planToJson(*plan)); !written)
    return sgl::reportError(kTool, written.error().message);
  return sgl::kExitSuccess;
}

int verifyPlan(const std::string &path) {
  sgl::Expected<Plan> plan = readPlanFile(path);
  if (!plan)
    return sgl::reportError(kTool, plan.error().message);
  size_t n = plan->programs.size();
  std::string line =
      "ok: " + std::to_string(n) + (n == 1 ? " program\n" : " programs\n");
  if (sgl::Status written = sgl::writeOutput("-", line); !written)
    return sgl::reportError(kTool, written.error().message);
  return sgl::kExitSuccess;
}

} // namespace

int main(int argc, char **argv) {
  CLI::App app{"Inspect and check sgl plans (.sglp files written by sglc)",
               kTool};
  app.require_subcommand(1);

  std::string dumpPath;
  CLI::App *dump =
      app.add_subcommand("dump", "Print a plan as JSON (same as sglc "
                                 "--emit=plan-json)");
  dump->add_option("file", dumpPath, "Plan file (.sglp; '-': stdin)")
      ->required();

  std::string verifyPath;
  CLI::App *verify = app.add_subcommand(
      "verify", "Check a plan's format version, structure and semantic rules");
  verify->add_option("file", verifyPath, "Plan file (.sglp; '-': stdin)")
      ->required();

  if (std::optional<int> exit = sgl::parseCommandLine(app, argc, argv, kTool))
    return *exit;
  return sgl::guardedMain(kTool, [&] {
    return *dump ? dumpPlan(dumpPath) : verifyPlan(verifyPath);
  });
}
