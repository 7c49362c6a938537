//===- PlanSteps.h - Plan steps built in one line, for tests ----*- C++ -*-===//
//
// Shared by the plan tests (which serialize and verify hand-built plans) and
// the engine tests (which run them): builders for expressions, steps and
// arguments, and completeProgram(), which fills in what a compiler derives
// (sites, num_sites, num_slots, slot_types, capture depths and each loop's
// body_captures) from the steps and captures a test writes.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_TEST_UNIT_SUPPORT_PLANSTEPS_H
#define SGL_TEST_UNIT_SUPPORT_PLANSTEPS_H

#include "runtime/plan/Plan.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sgl::runtime::plan::test {

// --- Types and arguments ---

inline ValueType typeOf(ValueType::Kind kind) { return ValueType{kind, {}}; }
inline ValueType strType() { return typeOf(ValueType::Kind::Str); }
inline ValueType intType() { return typeOf(ValueType::Kind::Int); }
inline ValueType numberType() { return typeOf(ValueType::Kind::Number); }
inline ValueType boolType() { return typeOf(ValueType::Kind::Bool); }
inline ValueType jsonType() { return typeOf(ValueType::Kind::Json); }
inline ValueType strListType() { return ValueType::list(strType()); }

inline Arg arg(std::string name, ValueType type = strType(),
               std::optional<Expr> defaultValue = std::nullopt) {
  return Arg{std::move(name), std::move(type), std::move(defaultValue)};
}
/// Arguments of type str named `names`.
inline std::vector<Arg> strArgs(const std::vector<std::string> &names) {
  std::vector<Arg> args;
  for (const std::string &name : names)
    args.push_back(arg(name));
  return args;
}

// --- Expressions ---

inline Expr literal(Literal value) {
  Expr expr;
  expr.kind = Expr::Kind::Literal;
  expr.literal = std::move(value);
  return expr;
}
inline Expr str(std::string s) {
  Literal l;
  l.kind = ValueType::Kind::Str;
  l.str = std::move(s);
  return literal(std::move(l));
}
inline Expr integer(int64_t i) {
  Literal l;
  l.kind = ValueType::Kind::Int;
  l.integer = i;
  return literal(std::move(l));
}
inline Expr number(double d) {
  Literal l;
  l.kind = ValueType::Kind::Number;
  l.number = d;
  return literal(std::move(l));
}
inline Expr boolean(bool b) {
  Literal l;
  l.kind = ValueType::Kind::Bool;
  l.boolean = b;
  return literal(std::move(l));
}
inline Expr slotRef(uint32_t slot) {
  Expr expr;
  expr.kind = Expr::Kind::Slot;
  expr.slot = slot;
  return expr;
}
/// The output of capture number `capture`.
inline Expr output(uint32_t capture) {
  Expr expr;
  expr.kind = Expr::Kind::Output;
  expr.slot = capture;
  return expr;
}
inline Expr op(Expr::Kind kind, std::vector<Expr> operands) {
  Expr expr;
  expr.kind = kind;
  expr.operands = std::move(operands);
  return expr;
}
inline Expr listOf(std::vector<Expr> elements) {
  return op(Expr::Kind::List, std::move(elements));
}
inline Expr at(Expr expr, std::string file, uint32_t line, uint32_t col) {
  expr.loc = SourceLocation{std::move(file), line, col};
  return expr;
}

// --- Steps ---

inline Step text(std::string s) {
  Step step;
  step.kind = Step::Kind::Text;
  step.text = std::move(s);
  return step;
}
inline Step append(Expr value) {
  Step step;
  step.kind = Step::Kind::Append;
  step.expr = std::move(value);
  return step;
}
/// Appends the value of `slot`.
inline Step append(uint32_t slot) { return append(slotRef(slot)); }
inline Step roleBegin(Role role) {
  Step step;
  step.kind = Step::Kind::RoleBegin;
  step.role = role;
  return step;
}
inline Step roleEnd(Role role) {
  Step step;
  step.kind = Step::Kind::RoleEnd;
  step.role = role;
  return step;
}
inline Step gen(uint32_t slot, GenParams params = {}) {
  Step step;
  step.kind = Step::Kind::Gen;
  step.slot = slot;
  step.gen = std::move(params);
  return step;
}
inline Step select(uint32_t slot, std::vector<std::string> choices) {
  Step step;
  step.kind = Step::Kind::Select;
  step.slot = slot;
  step.choices = std::move(choices);
  return step;
}
inline Step ifStep(Expr cond, std::vector<Step> thenSteps,
                   std::vector<Step> elseSteps = {}) {
  Step step;
  step.kind = Step::Kind::If;
  step.expr = std::move(cond);
  step.blocks = {Block{std::move(thenSteps)}, Block{std::move(elseSteps)}};
  return step;
}
inline Step forEach(uint32_t slot, Expr list, std::vector<Step> body) {
  Step step;
  step.kind = Step::Kind::ForEach;
  step.slot = slot;
  step.expr = std::move(list);
  step.blocks = {Block{std::move(body)}};
  return step;
}
inline Step forRange(uint32_t slot, Expr from, Expr to,
                     std::vector<Step> body) {
  Step step;
  step.kind = Step::Kind::ForRange;
  step.slot = slot;
  step.expr = std::move(from);
  step.end = std::move(to);
  step.blocks = {Block{std::move(body)}};
  return step;
}
/// A fork of `count` branches writing their objects to `slot`, each with
/// its index in `indexSlot`.
inline Step forkStep(uint32_t slot, uint32_t indexSlot, Expr count,
                     std::vector<Step> body) {
  Step step;
  step.kind = Step::Kind::Fork;
  step.slot = slot;
  step.branchSlot = indexSlot;
  step.expr = std::move(count);
  step.blocks = {Block{std::move(body)}};
  return step;
}
/// A call passing `args` (a list of expressions) into the slots from
/// `argSlot` on and running `body` (the callee's, inlined); its object goes
/// to `slot`.
inline Step callStep(uint32_t slot, uint32_t argSlot, std::vector<Expr> args,
                     std::vector<Step> body) {
  Step step;
  step.kind = Step::Kind::Call;
  step.slot = slot;
  step.branchSlot = argSlot;
  step.expr = listOf(std::move(args));
  step.blocks = {Block{std::move(body)}};
  return step;
}
inline Step breakStep() {
  Step step;
  step.kind = Step::Kind::Break;
  return step;
}
inline Step at(Step step, std::string file, uint32_t line, uint32_t col) {
  step.loc = SourceLocation{std::move(file), line, col};
  return step;
}

// --- Programs ---

namespace detail {

struct Writer {
  uint32_t slot;
  ValueType type;
  std::vector<Step *> loops; ///< the loops around it inside its innermost
                             ///< fork (or the program), outermost first
  Step *fork = nullptr;      ///< that fork
};

/// The element type of a for_each's list, as far as a test needs it.
inline ValueType elementType(const Expr &list,
                             const std::vector<ValueType> &known) {
  if (list.kind == Expr::Kind::Slot && list.slot < known.size() &&
      known[list.slot].kind == ValueType::Kind::List)
    return known[list.slot].element.front();
  if (list.kind == Expr::Kind::List && !list.operands.empty() &&
      list.operands.front().kind == Expr::Kind::Literal)
    return typeOf(list.operands.front().literal.kind);
  return strType();
}

inline void walk(Block &block, uint32_t &site, std::vector<Step *> &loops,
                 Step *fork, std::vector<Writer> &writers,
                 std::vector<ValueType> &types) {
  for (Step &step : block.steps) {
    step.site = site++;
    auto write = [&](uint32_t slot, ValueType type, std::vector<Step *> around,
                     Step *scope) {
      if (slot >= types.size())
        types.resize(slot + 1, strType());
      types[slot] = type;
      writers.push_back(
          Writer{slot, std::move(type), std::move(around), scope});
    };
    auto record = [&](ValueType type, bool isLoop) {
      std::vector<Step *> around = loops;
      if (isLoop)
        around.push_back(&step);
      write(step.slot, std::move(type), std::move(around), fork);
    };
    switch (step.kind) {
    case Step::Kind::Gen:
      record(step.gen.constraint.kind == GenConstraint::Kind::JsonSchema
                 ? jsonType()
                 : strType(),
             false);
      break;
    case Step::Kind::Select:
      record(strType(), false);
      break;
    case Step::Kind::ForEach:
      record(elementType(step.expr, types), true);
      break;
    case Step::Kind::ForRange:
      record(intType(), true);
      break;
    case Step::Kind::Fork:
      record(ValueType::list(jsonType()), false);
      write(step.branchSlot, intType(), {}, &step);
      break;
    case Step::Kind::Call:
      // Arguments of type str unless a test sets slot_types itself.
      record(jsonType(), false);
      for (uint32_t i = 0; i < step.expr.operands.size(); ++i)
        write(step.branchSlot + i, strType(), {}, &step);
      break;
    default:
      break;
    }
    if (isCaptureScope(step.kind)) {
      // A branch's or a callee's captures are its own: loops outside do
      // not add levels to them.
      std::vector<Step *> inside;
      walk(step.blocks[0], site, inside, &step, writers, types);
      continue;
    }
    if (isLoop(step.kind))
      loops.push_back(&step);
    for (Block &inner : step.blocks)
      walk(inner, site, loops, fork, writers, types);
    if (isLoop(step.kind))
      loops.pop_back();
  }
}

} // namespace detail

/// Fills in what sglc derives: every step's site (pre-order) and
/// num_sites; num_slots (the arguments plus one slot per gen, select and
/// loop, two per fork) and slot_types (arguments' types, str for gens and
/// selects, json for a json_schema gen, int for a range and a fork's index,
/// the list's element type for a for_each, list<json> for a fork); each
/// capture's depth (loops inside its fork) and each loop's and fork's
/// body_captures.
inline void completeProgram(Program &program) {
  uint32_t site = 0;
  std::vector<Step *> loops;
  std::vector<detail::Writer> writers;
  std::vector<ValueType> types;
  for (const Arg &a : program.args)
    types.push_back(a.type);
  detail::walk(program.body, site, loops, nullptr, writers, types);
  program.numSites = site;
  program.numSlots =
      static_cast<uint32_t>(program.args.size() + writers.size());
  types.resize(std::max<size_t>(types.size(), program.numSlots), strType());
  types.resize(program.numSlots);
  program.slotTypes = std::move(types);
  for (detail::Writer &w : writers) {
    for (Step *loop : w.loops)
      loop->bodyCaptures.clear();
    if (w.fork)
      w.fork->bodyCaptures.clear();
  }
  for (uint32_t c = 0; c < program.captures.size(); ++c) {
    Capture &capture = program.captures[c];
    capture.depth = 0;
    for (const detail::Writer &w : writers)
      if (w.slot == capture.slot) {
        capture.depth = static_cast<uint32_t>(w.loops.size());
        for (Step *loop : w.loops)
          loop->bodyCaptures.push_back(c);
        if (w.fork)
          w.fork->bodyCaptures.push_back(c);
      }
  }
}

/// A program named `name` holding `steps`, completed by completeProgram.
inline Program programOf(std::string name, std::vector<Arg> args,
                         std::vector<Step> steps,
                         std::vector<Capture> captures = {}) {
  Program program;
  program.name = std::move(name);
  program.args = std::move(args);
  program.body.steps = std::move(steps);
  program.captures = std::move(captures);
  completeProgram(program);
  return program;
}

} // namespace sgl::runtime::plan::test

#endif // SGL_TEST_UNIT_SUPPORT_PLANSTEPS_H
