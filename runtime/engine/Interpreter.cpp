//===- Interpreter.cpp - Runs one plan program on a loaded model ----------===//
#include "runtime/engine/Interpreter.h"

#include <algorithm>
#include <cstdint>

#include <unistd.h>

namespace sgl::runtime {

int32_t defaultKVPages(LlamaModel &model, int32_t pageSize) {
  const int64_t positions = model.config().maxPositions + 1;
  const double quarter = static_cast<double>(::sysconf(_SC_PHYS_PAGES)) *
                         static_cast<double>(::sysconf(_SC_PAGESIZE)) / 4;
  const int32_t forContext =
      kvPagesFor(model,
                 positions * model.kvBytesPerPosition() +
                     model.kvBytesPerPosition() * pageSize,
                 pageSize);
  const int32_t forMemory =
      kvPagesFor(model, static_cast<int64_t>(quarter), pageSize);
  return std::min(forContext, forMemory);
}

int64_t contextTokenBound(const LoadedModel &model,
                          const plan::Program &program,
                          const std::vector<Value> &args) {
  // Every token spells at least one byte, except special tokens, which the
  // template's and program's text spell with several.
  int64_t bound =
      8 + static_cast<int64_t>(model.tokenizer().prefixTokens().size());
  const ChatTemplate *chat =
      model.chatTemplate() ? &*model.chatTemplate() : nullptr;
  if (chat)
    bound += static_cast<int64_t>(chat->beginText().size());
  bool unbounded = false;
  // Both branches of an if count: a bound for either.
  plan::forEachStep(program.body, [&](const plan::Step &s) {
    switch (s.kind) {
    case plan::Step::Kind::Text:
      bound += static_cast<int64_t>(s.text.size());
      break;
    case plan::Step::Kind::Append:
      // An argument, a literal, or a capture (counted at its gen/select);
      // any other value is as long as the run makes it.
      if (s.expr.kind == plan::Expr::Kind::Slot) {
        if (s.expr.slot < args.size())
          bound += static_cast<int64_t>(toText(args[s.expr.slot]).size());
      } else if (s.expr.kind == plan::Expr::Kind::Literal) {
        bound +=
            static_cast<int64_t>(toText(literalValue(s.expr.literal)).size());
      } else {
        unbounded = true;
      }
      break;
    case plan::Step::Kind::RoleBegin:
    case plan::Step::Kind::RoleEnd:
      if (chat)
        bound += static_cast<int64_t>(chat->roleBegin(s.role).size() +
                                      chat->roleEnd().size());
      break;
    case plan::Step::Kind::Gen:
      // Its tokens, and its capture appended again later at most once per
      // append step (counted here generously as once more).
      bound += 2 * static_cast<int64_t>(s.gen.maxTokens ? *s.gen.maxTokens
                                                        : kDefaultMaxTokens);
      break;
    case plan::Step::Kind::Select: {
      size_t longest = 0;
      for (const std::string &c : s.choices)
        longest = std::max(longest, c.size());
      bound += 2 * static_cast<int64_t>(longest);
      break;
    }
    case plan::Step::Kind::ForEach:
    case plan::Step::Kind::ForRange:
    // Branches hold contexts of their own at once; a callee's arguments
    // are values only the run knows.
    case plan::Step::Kind::Fork:
    case plan::Step::Kind::Call:
      unbounded = true;
      break;
    case plan::Step::Kind::If:
    case plan::Step::Kind::Break:
      break;
    }
  });
  return unbounded ? kUnboundedContext : bound;
}

int64_t selectBranchPages(const LoadedModel &model,
                          const plan::Program &program, int32_t pageSize) {
  // A choice has at most as many tokens as bytes (plain text: no special
  // tokens), plus one for a partly filled page it continues in a copy.
  const auto pagesFor = [&](int64_t tokens) {
    return (tokens + pageSize - 1) / pageSize + 1;
  };
  const auto prefix =
      static_cast<int64_t>(model.tokenizer().prefixTokens().size());
  int64_t most = 0;
  plan::forEachStep(program.body, [&](const plan::Step &s) {
    if (s.kind != plan::Step::Kind::Select)
      return;
    int64_t pages = 0;
    for (const std::string &c : s.choices) {
      const auto tokens = static_cast<int64_t>(c.size());
      pages += pagesFor(tokens);
      if (s.selectMethod == plan::SelectMethod::Unconditional)
        pages += pagesFor(prefix + tokens);
    }
    most = std::max(most, pages);
  });
  return most;
}

Interpreter::Interpreter(LoadedModel &model, SchedulerOptions scheduler)
    : model_(model), scheduler_(scheduler) {}

Expected<nlohmann::ordered_json>
Interpreter::run(const plan::Program &program, const ProgramArgs &args,
                 const RunOptions &options, GenConstraintMasks *constraints) {
  stats_ = RunStats();
  engineStats_ = EngineStats();
  Expected<std::vector<Value>> values = bindProgramArgs(program, args);
  if (!values)
    return values.error();
  std::unique_ptr<GenConstraintMasks> ownMasks;
  if (!constraints) {
    Expected<ProgramConstraints> compiled =
        ProgramConstraints::compile(program);
    if (!compiled)
      return compiled.error();
    if (!compiled->empty()) {
      ownMasks = std::make_unique<GenConstraintMasks>(model_, program,
                                                      compiled.take());
      constraints = ownMasks.get();
    }
  }
  SchedulerOptions schedulerOptions = scheduler_;
  if (schedulerOptions.numPages == 0) {
    // Room for the most this run's context can grow to, no more.
    const int64_t positions =
        std::min<int64_t>(model_.model().config().maxPositions,
                          contextTokenBound(model_, program, *values)) +
        1;
    // Plus the pages a select's branches hold next to the context.
    const int64_t context = kvPagesFor(model_.model(),
                                       (positions + schedulerOptions.pageSize) *
                                           model_.model().kvBytesPerPosition(),
                                       schedulerOptions.pageSize);
    schedulerOptions.numPages = static_cast<int32_t>(std::min<int64_t>(
        defaultKVPages(model_.model(), schedulerOptions.pageSize),
        context +
            selectBranchPages(model_, program, schedulerOptions.pageSize)));
  }
  Expected<std::unique_ptr<Scheduler>> scheduler =
      Scheduler::create(model_, schedulerOptions);
  if (!scheduler)
    return scheduler.error();
  Expected<nlohmann::ordered_json> result =
      makeError("the program did not finish");
  (*scheduler)
      ->submit(std::make_unique<ProgramInstance>(model_, program, values.take(),
                                                 options, constraints),
               [&](ProgramInstance &done) {
                 result = done.result();
                 stats_ = done.stats();
               });
  if (Status s = (*scheduler)->run(); !s)
    return s.error();
  engineStats_ = (*scheduler)->stats();
  return result;
}

} // namespace sgl::runtime
