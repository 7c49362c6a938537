//===- sgl-plan.cpp - Inspect and check compiled plans --------------------===//
//
//   sgl-plan dump FILE.sglp     print the plan as JSON
//   sgl-plan verify FILE.sglp   check it; print "ok: N programs"
//
// Errors go to stderr as "sgl-plan: error: FILE: message", exit status 1;
// usage errors exit with status 2.
//
//===----------------------------------------------------------------------===//
#include "runtime/plan/PlanJson.h"
#include "runtime/plan/PlanReader.h"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <string>

using namespace sgl::runtime::plan;

namespace {

/// Reads `path`, reporting failure on stderr; nullopt on error.
std::optional<Plan> load(const std::string &path) {
  sgl::Expected<Plan> plan = readPlanFile(path);
  if (!plan) {
    std::fprintf(stderr, "sgl-plan: error: %s: %s\n", path.c_str(),
                 plan.error().message.c_str());
    return std::nullopt;
  }
  return plan.take();
}

} // namespace

int main(int argc, char **argv) {
  CLI::App app{"Inspect and check sgl plans (.sglp files written by sglc)",
               "sgl-plan"};
  app.require_subcommand(1);

  std::string dumpPath;
  CLI::App *dump =
      app.add_subcommand("dump", "Print a plan as JSON (same as sglc "
                                 "--emit=plan-json)");
  dump->add_option("file", dumpPath, "Plan file (.sglp)")->required();

  std::string verifyPath;
  CLI::App *verify = app.add_subcommand(
      "verify", "Check a plan's format version, structure and semantic rules");
  verify->add_option("file", verifyPath, "Plan file (.sglp)")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp &e) {
    return app.exit(e);
  } catch (const CLI::ParseError &e) {
    std::fprintf(stderr,
                 "sgl-plan: error: %s\nRun 'sgl-plan --help' for usage.\n",
                 e.what());
    return 2;
  }

  if (*dump) {
    std::optional<Plan> plan = load(dumpPath);
    if (!plan)
      return 1;
    std::fputs(planToJson(*plan).c_str(), stdout);
    return 0;
  }
  std::optional<Plan> plan = load(verifyPath);
  if (!plan)
    return 1;
  size_t n = plan->programs.size();
  std::printf("ok: %zu program%s\n", n, n == 1 ? "" : "s");
  return 0;
}
