//===- sgl-constraint.cpp - Compile, check and trace constraints ----------===//
//
//   sgl-constraint (--schema FILE | --regex PATTERN | --choices A,B,...)
//       [--check FILE | --mask-trace FILE [--tokenizer DIR]]
//
// Alone, prints the compiled automaton's statistics: rules, DFA states,
// the shortest accepted text and the compile time. --check FILE says
// whether the text of FILE is accepted (ConstraintInput.h says what the
// text of a file is) and, when not, shows the first offending byte;
// --mask-trace FILE tokenizes that text and follows it through the token
// masks (MaskTrace.h). A rejected text or trace exits 1 with its verdict
// on standard output; bad input is an error ("sgl-constraint: error: ...",
// exit 1); a wrong command line a usage error (exit 2).
//
//===----------------------------------------------------------------------===//
#include "runtime/constraints/TokenizerVocabulary.h"
#include "runtime/support/CommandLine.h"
#include "runtime/tools/sgl-constraint/CheckReport.h"
#include "runtime/tools/sgl-constraint/ConstraintInput.h"
#include "runtime/tools/sgl-constraint/MaskTrace.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

using namespace sgl;
using namespace sgl::tools;
using namespace sgl::runtime::constraints;

namespace {

constexpr const char *kTool = "sgl-constraint";

struct Options {
  ConstraintSource source;
  std::string checkPath;
  std::string tracePath;
  std::string tokenizerPath;
  uint32_t maxTokens = 1'000'000;
};

/// The Llama 3.1 tokenizer the build writes: <exe dir>/../tokenizers/.
std::string defaultTokenizerDir() {
  std::error_code ec;
  std::filesystem::path exe =
      std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec)
    return "build/tokenizers/llama3_1";
  return (exe.parent_path().parent_path() / "tokenizers" / "llama3_1").string();
}

int printStats(const Constraint &constraint, double compileMillis) {
  const Grammar &grammar = constraint.grammar();
  std::printf("rules: %d\n", grammar.numRules());
  // A lazy DFA has only the states built so far: none past the start yet.
  std::printf(
      "dfa states: %lld%s\n", static_cast<long long>(grammar.numStates()),
      grammar.hasLazyRules() ? " (some built lazily, as masks reach them)"
                             : "");
  std::printf("regular: %s\n", grammar.isRegular() ? "yes" : "no");
  uint32_t shortest = constraint.shortestBytes();
  std::printf("shortest accepted: %u %s\n", shortest,
              shortest == 1 ? "byte" : "bytes");
  std::printf("compile time: %.3f ms\n", compileMillis);
  return kExitSuccess;
}

int checkText(const Constraint &constraint, const Options &o) {
  Expected<std::string> text = readCheckedText(o.checkPath, o.source);
  if (!text)
    return reportError(kTool, text.error().message);
  ConstraintCheck check = constraint.check(*text);
  if (check.failure)
    return reportError(kTool, *check.failure);
  std::fputs(describeCheck(*text, check).c_str(), stdout);
  return check.accepted ? kExitSuccess : kExitError;
}

int traceText(std::shared_ptr<const Constraint> constraint, const Options &o) {
  Expected<std::string> text = readCheckedText(o.tracePath, o.source);
  if (!text)
    return reportError(kTool, text.error().message);
  Expected<runtime::Tokenizer> tokenizer =
      runtime::Tokenizer::fromFile(o.tokenizerPath);
  if (!tokenizer)
    return reportError(kTool, tokenizer.error().message);
  // The text is data: a "<|eot_id|>" inside it is spelt, not the token.
  runtime::TextRun run{*text, /*allowSpecial=*/false};
  Expected<std::vector<int32_t>> tokens = tokenizer->tryEncodeRuns({&run, 1});
  if (!tokens)
    return reportError(kTool, o.tracePath + ": " + tokens.error().message);
  ConstraintVocabulary vocabulary =
      buildConstraintVocabulary(*tokenizer, endOfGenIds(*tokenizer));
  ConstraintMasks masks(std::move(constraint), vocabulary);
  bool accepted = traceMasks(masks, *tokens, o.maxTokens, stdout);
  return accepted ? kExitSuccess : kExitError;
}

int run(const Options &o) {
  auto start = std::chrono::steady_clock::now();
  Expected<std::shared_ptr<Constraint>> constraint =
      compileConstraint(o.source);
  std::chrono::duration<double, std::milli> took =
      std::chrono::steady_clock::now() - start;
  if (!constraint)
    return reportError(kTool, constraint.error().message);
  if (!o.checkPath.empty())
    return checkText(**constraint, o);
  if (!o.tracePath.empty())
    return traceText(*constraint, o);
  return printStats(**constraint, took.count());
}

} // namespace

int main(int argc, char **argv) {
  CLI::App app{"Compile a constraint (JSON Schema, regex or choices), print "
               "its automaton, check a text against it or trace a text's "
               "tokens through its masks",
               kTool};
  Options o;
  o.tokenizerPath = defaultTokenizerDir();
  CLI::Option *schema =
      app.add_option("--schema", o.source.schemaPath, "JSON Schema file");
  CLI::Option *regex =
      app.add_option("--regex", o.source.pattern,
                     "regular expression matching the whole text "
                     "(docs/constraints.md)");
  CLI::Option *choices =
      app.add_option("--choices", o.source.choices,
                     "the literal texts allowed, comma-separated (repeat the "
                     "option for a choice holding a comma)")
          ->delimiter(',');
  CLI::Option *check = app.add_option(
      "--check", o.checkPath,
      "check a file: a JSON instance for --schema (written again as "
      "Python's json.dumps writes it), else its exact bytes");
  CLI::Option *trace = app.add_option(
      "--mask-trace", o.tracePath,
      "tokenize a file's text (as --check reads it) and print each token's "
      "mask");
  app.add_option("--tokenizer", o.tokenizerPath,
                 "tokenizer.json, or a directory holding one, for "
                 "--mask-trace")
      ->capture_default_str();
  app.add_option("--max-tokens", o.maxTokens,
                 "the gen's token budget for --mask-trace, EOS included")
      ->check(UnsignedIn(1, UINT32_MAX))
      ->capture_default_str();
  if (std::optional<int> exit = parseCommandLine(app, argc, argv, kTool))
    return *exit;

  int given =
      (schema->count() > 0) + (regex->count() > 0) + (choices->count() > 0);
  if (given != 1)
    return reportUsageError(
        kTool, given == 0 ? "no constraint given: use one of --schema, "
                            "--regex, --choices"
                          : "more than one constraint given: use one of "
                            "--schema, --regex, --choices");
  if (check->count() && trace->count())
    return reportUsageError(kTool, "--check and --mask-trace exclude each "
                                   "other");
  o.source.kind = schema->count()  ? ConstraintSource::Kind::Schema
                  : regex->count() ? ConstraintSource::Kind::Regex
                                   : ConstraintSource::Kind::Choices;
  return guardedMain(kTool, [&] { return run(o); });
}
