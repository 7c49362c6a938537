//===- sglrun.cpp - Runs a compiled plan on a model -----------------------===//
//
//   sglrun plan.sglp [--program NAME] [--model DIR] --args '{"q": "..."}'
//
// Prints one JSON object of captures on one line. Any failure (a malformed
// plan, a missing or broken model, bad --args) is one line on stderr,
// "sglrun: error: ...", and exit status 1. Without --model the built-in
// default model is used: <exe dir>/../share/sgl/models/default, else
// $SGL_DEFAULT_MODEL.
//
//===----------------------------------------------------------------------===//
#include "runtime/engine/Interpreter.h"
#include "runtime/engine/LoadedModel.h"
#include "runtime/plan/PlanReader.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace fs = std::filesystem;
using namespace sgl::runtime;

namespace {

struct Options {
  std::string planPath;
  std::string program;
  std::string modelDir;
  std::string args = "{}";
  uint64_t seed = 0;
  unsigned threads = 0;
  bool stats = false;
};

/// Prints "sglrun: error: MESSAGE" as exactly one line; returns 1.
int fail(std::string message) {
  for (char &c : message)
    if (c == '\n' || c == '\r')
      c = ' ';
  std::fprintf(stderr, "sglrun: error: %s\n", message.c_str());
  return 1;
}

std::string joinNames(const std::vector<std::string> &names) {
  std::string out;
  for (const std::string &n : names)
    out += (out.empty() ? "" : ", ") + n;
  return out;
}

/// Parses --args: a JSON object whose values are all strings.
sgl::Expected<ProgramArgs> parseArgs(const std::string &text) {
  nlohmann::json value;
  try {
    value = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception &e) {
    return sgl::makeError("--args is not valid JSON: " + std::string(e.what()));
  }
  if (!value.is_object())
    return sgl::makeError("--args must be a JSON object of strings, not " +
                          std::string(value.type_name()));
  ProgramArgs args;
  for (auto it = value.begin(); it != value.end(); ++it) {
    if (!it->is_string())
      return sgl::makeError("--args value of '" + it.key() +
                            "' must be a string, not " +
                            std::string(it->type_name()));
    args.emplace_back(it.key(), it->get<std::string>());
  }
  return args;
}

/// The built-in model: <exe dir>/../share/sgl/models/default, else
/// $SGL_DEFAULT_MODEL.
sgl::Expected<std::string> defaultModelDir() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  std::string besideExe;
  if (!ec) {
    fs::path dir = exe.parent_path().parent_path() / "share" / "sgl" /
                   "models" / "default";
    besideExe = dir.string();
    if (fs::is_directory(dir, ec))
      return besideExe;
  }
  if (const char *env = std::getenv("SGL_DEFAULT_MODEL"); env && *env)
    return std::string(env);
  return sgl::makeError(
      "no --model given and no default model at '" + besideExe +
      "' (build it with `ninja sgl-default-model`) or in $SGL_DEFAULT_MODEL");
}

int run(const Options &o) {
  sgl::Expected<plan::Plan> plan = plan::readPlanFile(o.planPath);
  if (!plan)
    return fail(o.planPath + ": " + plan.error().message);
  if (plan->programs.empty())
    return fail(o.planPath + ": the plan has no programs");

  std::vector<std::string> names;
  for (const plan::Program &p : plan->programs)
    names.push_back(p.name);
  const plan::Program *program = nullptr;
  if (!o.program.empty()) {
    program = plan->findProgram(o.program);
    if (!program)
      return fail("no program '" + o.program + "' in " + o.planPath +
                  " (programs: " + joinNames(names) + ")");
  } else if (plan->programs.size() == 1) {
    program = &plan->programs.front();
  } else {
    return fail(o.planPath + " has " + std::to_string(names.size()) +
                " programs; choose one with --program (" + joinNames(names) +
                ")");
  }

  sgl::Expected<ProgramArgs> args = parseArgs(o.args);
  if (!args)
    return fail(args.error().message);
  if (auto bound = bindProgramArgs(*program, *args); !bound)
    return fail(bound.error().message);

  std::string modelDir = o.modelDir;
  if (modelDir.empty()) {
    sgl::Expected<std::string> dir = defaultModelDir();
    if (!dir)
      return fail(dir.error().message);
    modelDir = *dir;
  }
  sgl::Expected<LoadedModel> model = LoadedModel::load(modelDir, o.threads);
  if (!model)
    return fail(model.error().message);

  Interpreter interpreter(*model);
  RunOptions options;
  options.seed = o.seed;
  sgl::Expected<nlohmann::ordered_json> captures =
      interpreter.run(*program, *args, options);
  if (!captures)
    return fail(captures.error().message);
  std::string line =
      captures->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::fprintf(stdout, "%s\n", line.c_str());
  std::fflush(stdout);

  if (o.stats) {
    const RunStats &s = interpreter.stats();
    std::fprintf(stderr,
                 "sglrun: %lld prompt tokens computed, %lld tokens generated "
                 "in %.3f s (%.1f tokens/s)\n",
                 static_cast<long long>(s.promptTokensComputed),
                 static_cast<long long>(s.generatedTokens), s.decodeSeconds,
                 s.decodeSeconds > 0 ? s.generatedTokens / s.decodeSeconds
                                     : 0.0);
  }
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  CLI::App app{"sglrun - run a compiled sgl plan (.sglp) on a model and print "
               "its captures as one JSON object"};
  Options o;
  app.add_option("plan", o.planPath, "Plan file written by sglc")->required();
  app.add_option("--program", o.program,
                 "Program to run (required when the plan has several)");
  app.add_option("--model", o.modelDir,
                 "Hugging Face model folder (default: the built-in tiny "
                 "model, <exe dir>/../share/sgl/models/default or "
                 "$SGL_DEFAULT_MODEL)");
  app.add_option("--args", o.args,
                 "Program arguments as a JSON object of strings")
      ->default_str("{}");
  app.add_option("--seed", o.seed, "Seed of every gen without its own seed")
      ->default_str("0");
  app.add_option("--threads", o.threads, "CPU threads (0 = all cores)")
      ->default_str("0");
  app.add_flag("--stats", o.stats,
               "Print token counts and decode tokens/s to stderr");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp &e) {
    return app.exit(e);
  } catch (const CLI::ParseError &e) {
    return fail(std::string(e.what()) + " (see --help)");
  }
  return run(o);
}
