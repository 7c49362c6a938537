//===- sglrun.cpp - Runs a compiled plan on a model -----------------------===//
//
//   sglrun plan.sglp [--program NAME] [--model DIR] --args '{"q": "..."}'
//   sglrun plan.sglp --inputs in.jsonl --output out.jsonl [--resume]
//
// With --args, prints one JSON object of captures on one line; with
// --inputs, runs one instance per input line, many at once (BatchMode.h).
// Both go through the same scheduler (runtime/engine/Scheduler.h). Any failure
// (a malformed plan, a missing or broken model, bad --args) is one line on
// stderr, "sglrun: error: ...", and exit status 1; a usage error exits with 2
// (see runtime/support/ToolMain.h). Without --model the built-in default model
// is used: <exe dir>/../share/sgl/models/default, else $SGL_DEFAULT_MODEL.
//
//===----------------------------------------------------------------------===//
#include "runtime/engine/GenConstraints.h"
#include "runtime/engine/Interpreter.h"
#include "runtime/engine/LoadedModel.h"
#include "runtime/engine/ProgramArgs.h"
#include "runtime/engine/Scheduler.h"
#include "runtime/plan/PlanReader.h"
#include "runtime/support/CommandLine.h"
#include "runtime/support/InputFile.h"
#include "runtime/support/MemorySize.h"
#include "runtime/support/MessageText.h"
#include "runtime/support/OutputFile.h"
#include "runtime/tools/sglrun/BatchMode.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

namespace fs = std::filesystem;
using namespace sgl::runtime;

namespace {

struct Options {
  std::string planPath;
  std::string program;
  std::string modelDir;
  std::string args = "{}";
  std::string argsFile;
  uint64_t seed = 0;
  unsigned threads = 0;
  bool stats = false;
  // Batch mode.
  std::string inputs;
  std::string output = "-";
  bool resume = false;
  // The scheduler.
  int32_t pageSize = 16;
  std::string kvMemory;
  int64_t maxBatchTokens = 2048;
  int64_t chunkedPrefill = 512;
  std::string schedule = "lpm";
  bool noRadixCache = false;
  bool allowSpecialInArgs = false;
};

constexpr const char *kTool = "sglrun";
/// An --args file is one JSON object of arguments, like --args itself.
constexpr uint64_t kArgsFileLimit = 64 * sgl::kMiB;

int fail(const std::string &message) {
  return sgl::reportError(kTool, message);
}

/// The program names for a message, at most a few of them: a plan may
/// hold any number of programs.
std::string listNames(const std::vector<plan::Program> &programs) {
  constexpr size_t kShown = 8;
  std::string out;
  for (size_t i = 0; i < programs.size() && i < kShown; ++i)
    out += (i ? ", " : "") + sgl::abbreviate(programs[i].name, 80);
  if (programs.size() > kShown)
    out += ", and " + std::to_string(programs.size() - kShown) + " more";
  return out;
}

/// "2 max_tokens, 1 eos, 1 context_limit": how many gens ended each way.
std::string finishSummary(const RunStats &stats) {
  constexpr FinishReason kReasons[] = {
      FinishReason::Eos, FinishReason::StopString, FinishReason::MaxTokens,
      FinishReason::ContextLimit, FinishReason::ConstraintEnd};
  std::string out;
  for (FinishReason reason : kReasons) {
    int64_t n = stats.gensFinishedBy(reason);
    if (n)
      out += (out.empty() ? "" : ", ") + std::to_string(n) + " " +
             std::string(finishReasonName(reason));
  }
  return out.empty() ? "none (no gens ran)" : out;
}

/// A gen cut short by the context limit still exits 0 with its capture, so
/// say so: its text ends where the model ran out of positions, not where
/// the program asked.
void warnAboutContextLimit(const RunStats &stats, int64_t maxPositions) {
  int64_t count = stats.gensFinishedBy(FinishReason::ContextLimit);
  if (count == 0)
    return;
  const GenFinish *first = &*std::find_if(
      stats.gens.begin(), stats.gens.end(), [](const GenFinish &gen) {
        return gen.reason == FinishReason::ContextLimit;
      });
  std::string others =
      count > 1 ? " (and " + std::to_string(count - 1) + " later gens)" : "";
  sgl::reportWarning(kTool, "gen '" + sgl::abbreviate(first->capture, 80) +
                                "'" + others +
                                " stopped at the model's context limit of " +
                                std::to_string(maxPositions) +
                                " positions (finish reason 'length'); its "
                                "capture is cut short");
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
    return fail(plan.error().message);
  if (plan->programs.empty())
    return fail(o.planPath + ": the plan has no programs");

  const plan::Program *program = nullptr;
  if (!o.program.empty()) {
    program = plan->findProgram(o.program);
    if (!program)
      return fail("no program '" + sgl::abbreviate(o.program, 80) + "' in " +
                  o.planPath + " (programs: " + listNames(plan->programs) +
                  ")");
  } else if (plan->programs.size() == 1) {
    program = &plan->programs.front();
  } else {
    return fail(o.planPath + " has " + std::to_string(plan->programs.size()) +
                " programs; choose one with --program (" +
                listNames(plan->programs) + ")");
  }

  // Every constraint is compiled before the model loads: a broken one (a
  // hand-edited plan) fails fast, naming its gen.
  std::vector<ProgramConstraints> constraints;
  for (const plan::Program &p : plan->programs) {
    sgl::Expected<ProgramConstraints> compiled = ProgramConstraints::compile(p);
    if (!compiled)
      return fail(o.planPath + ": program '" + sgl::abbreviate(p.name, 80) +
                  "': " + compiled.error().message);
    constraints.push_back(compiled.take());
  }
  ProgramConstraints &programConstraints =
      constraints[static_cast<size_t>(program - plan->programs.data())];

  const bool batch = !o.inputs.empty();
  if (o.resume && (o.output == "-" || o.output.empty()))
    return sgl::reportUsageError(kTool, "--resume needs --output to name a "
                                        "file: standard output cannot be read "
                                        "back");
  std::string argsText = o.args;
  if (!o.argsFile.empty()) {
    sgl::Expected<std::string> text = sgl::readInputFile(
        o.argsFile, {"--args file", kArgsFileLimit}, /*allowStdin=*/true);
    if (!text)
      return fail(text.error().message);
    argsText = text.take();
  }
  sgl::Expected<ProgramArgs> args = parseProgramArgsJson(argsText);
  if (!batch) {
    if (!args)
      return fail(args.error().message);
    if (auto bound = bindProgramArgs(*program, *args); !bound)
      return fail(bound.error().message);
  }

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

  SchedulerOptions scheduler;
  scheduler.pageSize = o.pageSize;
  scheduler.maxBatchTokens = o.maxBatchTokens;
  scheduler.chunkedPrefill = o.chunkedPrefill;
  scheduler.radixCache = !o.noRadixCache;
  scheduler.policy = o.schedule == "fcfs" ? SchedulePolicy::FirstComeFirstServed
                                          : SchedulePolicy::LongestPrefixMatch;
  if (!o.kvMemory.empty()) {
    sgl::Expected<int64_t> bytes =
        sgl::parseMemorySize(o.kvMemory, sgl::physicalMemoryBytes());
    if (!bytes)
      return fail("--kv-memory: " + bytes.error().message);
    scheduler.numPages = kvPagesFor(model->model(), *bytes, o.pageSize);
  } else if (batch) {
    scheduler.numPages =
        kvPagesFor(model->model(), sgl::physicalMemoryBytes() / 4, o.pageSize);
  }
  // One set of masks per gen site for this model, shared by every
  // instance.
  std::unique_ptr<GenConstraintMasks> masks;
  if (!programConstraints.empty())
    masks = std::make_unique<GenConstraintMasks>(*model, *program,
                                                 std::move(programConstraints));
  RunOptions options;
  options.seed = o.seed;
  options.allowSpecialTokensInArguments = o.allowSpecialInArgs;
  if (batch) {
    BatchModeOptions b;
    b.inputs = o.inputs;
    b.output = o.output;
    b.resume = o.resume;
    b.stats = o.stats;
    return runBatchMode(*model, *program, scheduler, options, b, masks.get());
  }
  Interpreter interpreter(*model, scheduler);
  sgl::Expected<nlohmann::ordered_json> captures =
      interpreter.run(*program, *args, options, masks.get());
  if (!captures)
    return fail(captures.error().message);
  std::string line =
      captures->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  line += '\n';
  if (sgl::Status written = sgl::writeOutput("-", line); !written)
    return fail(written.error().message);

  const RunStats &s = interpreter.stats();
  warnAboutContextLimit(s, model->model().config().maxPositions);
  if (o.stats) {
    const EngineStats &e = interpreter.engineStats();
    std::fprintf(stderr,
                 "sglrun: %lld prompt tokens (%lld from the prefix cache), "
                 "%lld computed (%lld recomputed), %lld tokens generated; "
                 "%lld forward steps in %.3f s\n",
                 static_cast<long long>(s.promptTokens),
                 static_cast<long long>(s.promptTokensCached),
                 static_cast<long long>(s.promptTokensComputed),
                 static_cast<long long>(s.recomputedTokens),
                 static_cast<long long>(s.generatedTokens),
                 static_cast<long long>(e.steps), e.forwardSeconds);
    std::fprintf(stderr, "sglrun: gens finished by %s\n",
                 finishSummary(s).c_str());
    if (s.templateRewrites > 0)
      std::fprintf(stderr,
                   "sglrun: %lld chat-template rewrites of earlier messages "
                   "changed %lld tokens the model had seen (recomputed from "
                   "the first changed one)\n",
                   static_cast<long long>(s.templateRewrites),
                   static_cast<long long>(s.templateRewrittenTokens));
  }
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  CLI::App app{"sglrun - run a compiled sgl plan (.sglp) on a model and print "
               "its captures as one JSON object"};
  Options o;
  app.add_option("plan", o.planPath, "Plan file written by sglc ('-': stdin)")
      ->required();
  app.add_option("--program", o.program,
                 "Program to run (required when the plan has several)");
  app.add_option("--model", o.modelDir,
                 "Hugging Face model folder (default: the built-in tiny "
                 "model, <exe dir>/../share/sgl/models/default or "
                 "$SGL_DEFAULT_MODEL)")
      ->check(CLI::Validator(
          [](std::string &dir) {
            return dir.empty() ? std::string("the model folder is empty")
                               : std::string();
          },
          "DIR"));
  CLI::Option *argsOption =
      app.add_option("--args", o.args,
                     "Program arguments as a JSON object, each value of its "
                     "argument's type (str, int, number, bool, [str])")
          ->default_str("{}");
  CLI::Option *argsFileOption =
      app.add_option("--args-file", o.argsFile,
                     "Read the --args JSON object from a file ('-': stdin)");
  argsFileOption->excludes(argsOption);
  app.add_option("--seed", o.seed, "Seed of every gen without its own seed")
      ->check(sgl::UnsignedIn(0, UINT64_MAX))
      ->default_str("0");
  // More threads than cores only adds contention; the bound keeps a typo
  // from asking for a million threads.
  const unsigned maxThreads =
      std::max(256u, 4 * std::thread::hardware_concurrency());
  app.add_option("--threads", o.threads, "CPU threads (0 = all cores)")
      ->check(sgl::UnsignedIn(0, maxThreads))
      ->default_str("0");
  app.add_flag("--stats", o.stats,
               "Print token counts and forward-pass time to stderr");
  app.add_flag("--allow-special-tokens-in-args", o.allowSpecialInArgs,
               "Encode special-token spellings in arguments as control "
               "tokens (default: arguments are always plain text)");
  CLI::Option *inputs =
      app.add_option("--inputs", o.inputs,
                     "Batch mode: a JSONL file of argument objects, one "
                     "instance per line ('-': stdin)");
  app.add_option("--output", o.output,
                 "Batch mode: where the JSONL records go ('-': stdout)")
      ->needs(inputs)
      ->default_str("-");
  app.add_flag("--resume", o.resume,
               "Batch mode: keep the records already in --output and run "
               "only the other lines")
      ->needs(inputs);
  app.add_option("--page-size", o.pageSize, "Positions per KV page")
      ->check(sgl::UnsignedIn(1, 4096))
      ->default_str("16");
  app.add_option("--kv-memory", o.kvMemory,
                 "KV pool size: bytes with an optional K/M/G suffix, or a "
                 "percentage of RAM such as 25% (default: one full context "
                 "for --args, 25% for --inputs)")
      ->check(CLI::Validator(
          [](std::string &text) {
            auto bytes = sgl::parseMemorySize(text, sgl::physicalMemoryBytes());
            return bytes ? std::string() : bytes.error().message;
          },
          "SIZE"));
  app.add_option("--max-batch-tokens", o.maxBatchTokens,
                 "Tokens per forward step")
      ->check(sgl::UnsignedIn(1, 1 << 20))
      ->default_str("2048");
  app.add_option("--chunked-prefill", o.chunkedPrefill,
                 "Prefill tokens per sequence per step")
      ->check(sgl::UnsignedIn(1, 1 << 20))
      ->default_str("512");
  app.add_option("--schedule", o.schedule,
                 "Admission order: lpm (longest cached prefix first) or fcfs")
      ->check(CLI::IsMember({"lpm", "fcfs"}))
      ->default_str("lpm");
  app.add_flag("--no-radix-cache", o.noRadixCache,
               "Do not share KV across instances");
  argsOption->excludes(inputs);
  argsFileOption->excludes(inputs);
  if (std::optional<int> exit = sgl::parseCommandLine(app, argc, argv, kTool))
    return *exit;
  return sgl::guardedMain(kTool, [&] { return run(o); });
}
