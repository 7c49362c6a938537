//===- BatchMode.cpp - sglrun --inputs/--output over the scheduler --------===//
//
// Streams input lines into the scheduler, keeping a window of instances in
// flight (admission then picks among them by prefix), and hands every
// result to the ordered writer as it finishes.
//
//===----------------------------------------------------------------------===//
#include "runtime/tools/sglrun/BatchMode.h"

#include "runtime/batch/JsonlInput.h"
#include "runtime/batch/Progress.h"
#include "runtime/batch/ResultWriter.h"
#include "runtime/engine/ProgramArgs.h"
#include "runtime/support/ToolMain.h"

#include <chrono>
#include <cstdio>
#include <iostream>

#include <unistd.h>

namespace sgl::runtime {

namespace {

constexpr const char *kTool = "sglrun";
/// Instances in flight: enough for the scheduler to batch and to order by
/// shared prefix, few enough that a huge input is not all in memory.
constexpr int64_t kWindow = 1024;

} // namespace

int runBatchMode(LoadedModel &model, const plan::Program &program,
                 const SchedulerOptions &schedulerOptions,
                 const RunOptions &runOptions, const BatchModeOptions &options,
                 GenConstraintMasks *constraints) {
  Expected<ResultWriter> writer =
      ResultWriter::open(options.output, options.resume);
  if (!writer)
    return reportError(kTool, writer.error().message);
  Expected<JsonlInput> input = JsonlInput::open(options.inputs);
  if (!input)
    return reportError(kTool, input.error().message);
  if (Status s = input->skipDone(writer->doneLines(), writer->name()); !s)
    return reportError(kTool, s.error().message);
  Expected<std::unique_ptr<Scheduler>> scheduler =
      Scheduler::create(model, schedulerOptions);
  if (!scheduler)
    return reportError(kTool, scheduler.error().message);

  const auto started = std::chrono::steady_clock::now();
  Progress progress(std::cerr, ::isatty(2) == 1, input->totalLines(),
                    static_cast<int64_t>(writer->doneLines().size()));
  ProgressCounts counts;
  BatchTotals totals;
  Status writeStatus;
  int64_t inFlight = 0;
  int64_t rewrites = 0, rewrittenTokens = 0; // chat-template rewrites

  auto complete = [&](int64_t line, Expected<nlohmann::ordered_json> result) {
    ++counts.done;
    ++totals.instances;
    if (!result) {
      ++counts.failed;
      ++totals.failed;
    }
    if (Status s = writer->complete(line, std::move(result)); !s && writeStatus)
      writeStatus = s;
    progress.update(counts);
  };
  std::function<void()> refill = [&] {
    BatchInput in;
    while (writeStatus && inFlight < kWindow && input->next(in)) {
      if (Status s = writer->expect(in.line); !s) {
        writeStatus = s;
        return;
      }
      if (!in.args) {
        complete(in.line, in.args.error());
        continue;
      }
      Expected<std::vector<Value>> values = bindProgramArgs(program, *in.args);
      if (!values) {
        complete(in.line, values.error());
        continue;
      }
      ++inFlight;
      const int64_t line = in.line;
      (*scheduler)
          ->submit(std::make_unique<ProgramInstance>(
                       model, program, values.take(), runOptions, constraints),
                   [&, line](ProgramInstance &done) {
                     --inFlight;
                     const RunStats &st = done.stats();
                     totals.promptTokens += st.promptTokens;
                     totals.promptTokensCached += st.promptTokensCached;
                     totals.outputTokens += st.generatedTokens;
                     rewrites += st.templateRewrites;
                     rewrittenTokens += st.templateRewrittenTokens;
                     counts.outputTokens += st.generatedTokens;
                     complete(line, done.result());
                     refill();
                   });
    }
  };
  refill();
  Status ran = (*scheduler)->run();
  progress.finish(counts);

  const EngineStats &engine = (*scheduler)->stats();
  totals.promptTokensComputed = engine.promptTokensComputed;
  totals.peakKVPages = engine.peakPages;
  totals.kvPageCapacity = schedulerOptions.numPages;
  totals.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started)
          .count();
  std::cerr << formatBatchSummary(totals);
  if (options.stats)
    std::fprintf(stderr,
                 "sglrun: %lld forward steps, %lld prompt tokens computed "
                 "(%lld recomputed), %lld decode tokens, %lld retractions, "
                 "%.3f s in the forward pass\n",
                 static_cast<long long>(engine.steps),
                 static_cast<long long>(engine.promptTokensComputed),
                 static_cast<long long>(engine.recomputedTokens),
                 static_cast<long long>(engine.decodeTokens),
                 static_cast<long long>(engine.retractions),
                 engine.forwardSeconds);
  if (options.stats && rewrites > 0)
    std::fprintf(stderr,
                 "sglrun: %lld chat-template rewrites of earlier messages "
                 "changed %lld tokens the model had seen (recomputed from the "
                 "first changed one)\n",
                 static_cast<long long>(rewrites),
                 static_cast<long long>(rewrittenTokens));
  if (!ran)
    return reportError(kTool, ran.error().message);
  if (!input->status())
    return reportError(kTool, input->status().error().message);
  if (Status closed = writer->close(); !closed || !writeStatus)
    return reportError(kTool,
                       (!writeStatus ? writeStatus : closed).error().message);
  if (writer->failedLines() > 0) {
    reportError(kTool, std::to_string(writer->failedLines()) + " of the " +
                           "input lines failed; see their error records in " +
                           writer->name());
    return kExitError;
  }
  return kExitSuccess;
}

} // namespace sgl::runtime
