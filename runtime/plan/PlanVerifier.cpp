//===- PlanVerifier.cpp - Semantic checks of an in-memory plan ------------===//
//
// One walk per program over its tree of blocks, in site order, tracking
// which slots are written, which loops are open and which chat message is;
// then the captures against the writers and loops it recorded.
//
//===----------------------------------------------------------------------===//
#include "runtime/plan/PlanVerifier.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <string_view>
#include <vector>

namespace sgl::runtime::plan {
namespace {

/// `name` in single quotes, shortened and with control characters escaped,
/// so a message stays one readable line whatever a file holds.
std::string quoted(const std::string &name) {
  constexpr size_t kMaxShown = 64;
  std::string out = "'";
  for (size_t i = 0; i < name.size() && i < kMaxShown; ++i) {
    unsigned char c = static_cast<unsigned char>(name[i]);
    if (c < 0x20 || c == 0x7f) {
      static constexpr char kHex[] = "0123456789abcdef";
      out.append("\\x").push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  if (name.size() > kMaxShown)
    out += "...";
  return out + "'";
}

/// "program 'name'" or "program #i" for an unnamed program.
std::string programLabel(const Program &program, size_t index) {
  if (program.name.empty())
    return "program #" + std::to_string(index);
  return "program " + quoted(program.name);
}

/// " (file:line:col)" when the line is known.
std::string locSuffix(const SourceLocation &loc) {
  if (loc.line == 0)
    return "";
  return " (" + (loc.file.empty() ? std::string("<input>") : loc.file) + ":" +
         std::to_string(loc.line) + ":" + std::to_string(loc.col) + ")";
}

bool isKnownKind(Step::Kind kind) {
  return static_cast<uint8_t>(kind) <= static_cast<uint8_t>(Step::Kind::Call);
}

bool isKnownRole(Role role) {
  return static_cast<uint8_t>(role) <= static_cast<uint8_t>(Role::Assistant);
}

bool isKnownExprKind(Expr::Kind kind) {
  return static_cast<uint8_t>(kind) <= static_cast<uint8_t>(Expr::Kind::Not);
}

bool isKnownValueKind(ValueType::Kind kind) {
  return static_cast<uint8_t>(kind) <=
         static_cast<uint8_t>(ValueType::Kind::Json);
}

std::string plural(size_t n, const char *one, const char *many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

/// Whether an argument may have `type`: str, int, number, bool or a list
/// of such (the type is well formed).
bool isArgumentType(const ValueType &type) {
  const ValueType *t = &type;
  while (t->kind == ValueType::Kind::List)
    t = &t->element.front();
  return t->kind != ValueType::Kind::Json;
}

sgl::Status checkGenParams(const std::string &where, const GenParams &gen) {
  if (gen.maxTokens && *gen.maxTokens == 0)
    return makeError(where + ": gen max_tokens must be at least 1");
  if (gen.temperature &&
      (!std::isfinite(*gen.temperature) || *gen.temperature < 0))
    return makeError(where + ": gen temperature must be a finite number >= 0");
  if (gen.topP && !(*gen.topP > 0 && *gen.topP <= 1))
    return makeError(where + ": gen top_p must be in (0, 1]");
  if (gen.minP && !(*gen.minP >= 0 && *gen.minP <= 1))
    return makeError(where + ": gen min_p must be in [0, 1]");
  if (gen.repetitionPenalty &&
      !(std::isfinite(*gen.repetitionPenalty) && *gen.repetitionPenalty > 0))
    return makeError(where +
                     ": gen repetition_penalty must be a finite number > 0");
  if (gen.frequencyPenalty &&
      !(*gen.frequencyPenalty >= -2 && *gen.frequencyPenalty <= 2))
    return makeError(where + ": gen frequency_penalty must be in [-2, 2]");
  if (gen.presencePenalty &&
      !(*gen.presencePenalty >= -2 && *gen.presencePenalty <= 2))
    return makeError(where + ": gen presence_penalty must be in [-2, 2]");
  for (const std::string &stop : gen.stop)
    if (stop.empty())
      return makeError(where + ": gen stop strings must not be empty");
  const GenConstraint &constraint = gen.constraint;
  if (static_cast<uint8_t>(constraint.kind) >
      static_cast<uint8_t>(GenConstraint::Kind::JsonSchema))
    return makeError(where + ": unknown gen constraint kind " +
                     std::to_string(static_cast<unsigned>(constraint.kind)));
  // A stop string would cut the output short of what the constraint
  // accepts; the constraint alone decides where a constrained gen ends.
  if (constraint.kind != GenConstraint::Kind::None && !gen.stop.empty())
    return makeError(where + ": a gen with a " +
                     constraintKindName(constraint.kind) +
                     " constraint cannot have stop strings");
  if (constraint.kind == GenConstraint::Kind::JsonSchema &&
      constraint.text.empty())
    return makeError(where + ": gen json_schema is empty");
  return Status::ok();
}

constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();

/// One walk over a program's tree (depth-first, in site order), recording
/// each slot's writer and each loop, then the checks that need all of them
/// (captures). Recursion is bounded by kMaxBlockDepth and kMaxExprDepth:
/// a deeper block or expression is reported before it is entered.
class ProgramVerifier {
public:
  ProgramVerifier(const Program &program, size_t index)
      : program_(program), label_(programLabel(program, index)) {}

  sgl::Status run();

private:
  /// A loop, a fork or a call: each lists the captures made in its body.
  struct Loop {
    uint32_t site = 0;
    uint32_t parent = kNone; ///< the enclosing loop or scope (in loops_)
    const Step *step = nullptr;
    /// A fork or a call: its captures are an object's fields.
    bool scope = false;
  };
  /// The open chat message during the walk.
  struct OpenRole {
    bool open = false;
    Role role = Role::User;
    std::string at;     ///< the role_begin's path
    uint32_t level = 0; ///< the block level of that role_begin
  };

  sgl::Status checkType(const ValueType &type, const std::string &what);
  sgl::Status checkArgs();
  sgl::Status checkBlock(const Block &block, uint32_t level,
                         const std::string &prefix);
  sgl::Status checkStep(const Step &step, uint32_t level,
                        const std::string &path);
  sgl::Status checkExpr(const Expr &expr, const std::string &where,
                        const char *op, uint32_t depth);
  sgl::Status checkConstant(const Expr &expr, const ValueType &type,
                            const std::string &where, uint32_t depth);
  sgl::Status writeSlot(const Step &step, uint32_t slot,
                        const std::string &where, const ValueType *expected);
  sgl::Status checkScope(const Step &step, uint32_t level,
                         const std::string &where, const std::string &path);
  sgl::Status checkRoles(const Step &step, uint32_t level,
                         const std::string &where, const std::string &path);
  sgl::Status checkCaptures();
  /// The number of loops around the writer of `slot` inside its innermost
  /// fork (0 for an argument).
  uint32_t loopsAround(uint32_t slot) const;
  /// Calls `fn(l)` for each loop around the writer of `slot` from the
  /// innermost out, and then for its innermost fork: the steps whose
  /// body_captures must list a capture of the slot.
  template <typename Fn> void forListers(uint32_t slot, Fn &&fn) const {
    for (uint32_t l = writerLoop_[slot]; l != kNone; l = loops_[l].parent) {
      fn(l);
      if (loops_[l].scope)
        return;
    }
  }
  /// "program 'p', step 2/body/0 (a.sgl:3:1): for_each body_captures", to
  /// start a message about loop `l` (its path is found again: only errors
  /// need it, and keeping one per loop would take memory as the plan nests).
  std::string bodyCapturesOf(uint32_t l) const;

  const Program &program_;
  const std::string label_;
  uint32_t nextSite_ = 0;
  size_t numWriters_ = 0;
  /// Per slot: the site of its writer (kNone: none; arguments: kArgument).
  std::vector<uint32_t> writerSite_;
  /// Per slot: the innermost loop around its writer, the loop itself for
  /// a loop variable (kNone: none).
  std::vector<uint32_t> writerLoop_;
  std::vector<Loop> loops_;
  /// The loops around the step being checked, innermost last, and the
  /// block level of each one's body.
  std::vector<uint32_t> openLoops_;
  std::vector<uint32_t> openLoopLevels_;
  OpenRole role_;

  static constexpr uint32_t kArgument = kNone - 1;
};

sgl::Status ProgramVerifier::checkType(const ValueType &type,
                                       const std::string &what) {
  const ValueType *t = &type;
  for (uint32_t depth = 1;; ++depth) {
    if (depth > kMaxTypeDepth)
      return makeError(what + " nests lists deeper than " +
                       std::to_string(kMaxTypeDepth) + " levels");
    if (!isKnownValueKind(t->kind))
      return makeError(what + " has an unknown kind " +
                       std::to_string(static_cast<unsigned>(t->kind)));
    if (t->kind != ValueType::Kind::List) {
      if (!t->element.empty())
        return makeError(what + " is " + typeName(*t) +
                         " with an element type (only a list has one)");
      return Status::ok();
    }
    if (t->element.size() != 1)
      return makeError(
          what + " is a list with " +
          plural(t->element.size(), "element type", "element types") +
          " (expected 1)");
    t = &t->element.front();
  }
}

sgl::Status ProgramVerifier::checkConstant(const Expr &expr,
                                           const ValueType &type,
                                           const std::string &where,
                                           uint32_t depth) {
  if (depth > kMaxExprDepth)
    return makeError(where + ": expressions nest deeper than " +
                     std::to_string(kMaxExprDepth) + " levels");
  const std::string wrong = where + ": the default is not a constant " +
                            typeName(type) + " (a literal, or a list of them)";
  if (type.kind == ValueType::Kind::List) {
    if (expr.kind != Expr::Kind::List)
      return makeError(wrong);
    for (const Expr &operand : expr.operands)
      if (sgl::Status s =
              checkConstant(operand, type.element.front(), where, depth + 1);
          !s)
        return s;
    return Status::ok();
  }
  if (expr.kind != Expr::Kind::Literal || !expr.operands.empty())
    return makeError(wrong);
  const ValueType::Kind kind = expr.literal.kind;
  const bool fits =
      kind == type.kind ||
      (type.kind == ValueType::Kind::Number && kind == ValueType::Kind::Int);
  if (!fits)
    return makeError(wrong);
  if (kind == ValueType::Kind::Number && !std::isfinite(expr.literal.number))
    return makeError(where + ": the default is a number that is not finite");
  return Status::ok();
}

sgl::Status ProgramVerifier::checkArgs() {
  std::set<std::string_view> names;
  for (size_t i = 0; i < program_.args.size(); ++i) {
    const Arg &arg = program_.args[i];
    if (arg.name.empty())
      return makeError(label_ + ": argument " + std::to_string(i) +
                       " has an empty name");
    if (!names.insert(arg.name).second)
      return makeError(label_ + ": duplicate argument name " +
                       quoted(arg.name));
    const std::string where = label_ + ", argument " + quoted(arg.name);
    if (sgl::Status s = checkType(arg.type, where + ": its type"); !s)
      return s;
    if (!isArgumentType(arg.type))
      return makeError(where + ": an argument cannot be of type " +
                       typeName(arg.type) +
                       " (only str, int, number, bool and lists of them)");
    if (program_.slotTypes[i] != arg.type)
      return makeError(where + ": its type is " + typeName(arg.type) +
                       " but its slot " + std::to_string(i) + " is a " +
                       typeName(program_.slotTypes[i]));
    if (arg.defaultValue)
      if (sgl::Status s = checkConstant(*arg.defaultValue, arg.type, where, 1);
          !s)
        return s;
  }
  return Status::ok();
}

sgl::Status ProgramVerifier::checkExpr(const Expr &expr,
                                       const std::string &where, const char *op,
                                       uint32_t depth) {
  if (depth > kMaxExprDepth)
    return makeError(where + ": expressions nest deeper than " +
                     std::to_string(kMaxExprDepth) + " levels");
  if (!isKnownExprKind(expr.kind))
    return makeError(where + ": unknown expression kind " +
                     std::to_string(static_cast<unsigned>(expr.kind)));
  const int expected = exprArity(expr.kind);
  if (expected >= 0 && expr.operands.size() != static_cast<size_t>(expected))
    return makeError(where + ": " + exprKindName(expr.kind) + " has " +
                     plural(expr.operands.size(), "operand", "operands") +
                     " (expected " + std::to_string(expected) + ")");
  switch (expr.kind) {
  case Expr::Kind::Literal: {
    const ValueType::Kind kind = expr.literal.kind;
    if (kind == ValueType::Kind::List || kind == ValueType::Kind::Json ||
        !isKnownValueKind(kind))
      return makeError(where + ": a literal of kind " +
                       std::to_string(static_cast<unsigned>(kind)) +
                       " (only str, int, number and bool)");
    if (kind == ValueType::Kind::Number && !std::isfinite(expr.literal.number))
      return makeError(where + ": a number literal that is not finite");
    break;
  }
  case Expr::Kind::Slot:
    if (expr.slot >= program_.numSlots)
      return makeError(where + ": " + op + " reads slot " +
                       std::to_string(expr.slot) +
                       ", which is out of range (num_slots is " +
                       std::to_string(program_.numSlots) + ")");
    // Writers are recorded in site order: one not seen yet comes later.
    if (writerSite_[expr.slot] == kNone)
      return makeError(where + ": " + op + " reads slot " +
                       std::to_string(expr.slot) +
                       ", which is not written before this step");
    break;
  case Expr::Kind::Output:
    if (expr.slot >= program_.captures.size())
      return makeError(where + ": " + op + " reads the output of capture " +
                       std::to_string(expr.slot) + ", but the program has " +
                       plural(program_.captures.size(), "capture", "captures"));
    break;
  default:
    break;
  }
  for (const Expr &operand : expr.operands)
    if (sgl::Status s = checkExpr(operand, where, op, depth + 1); !s)
      return s;
  return Status::ok();
}

sgl::Status ProgramVerifier::writeSlot(const Step &step, uint32_t slot,
                                       const std::string &where,
                                       const ValueType *expected) {
  const char *op = stepKindName(step.kind);
  const size_t numArgs = program_.args.size();
  if (slot < numArgs || slot >= program_.numSlots)
    return makeError(where + ": " + op + " writes slot " +
                     std::to_string(slot) + ", which is not in [" +
                     std::to_string(numArgs) + ", " +
                     std::to_string(program_.numSlots) + ") (slots below " +
                     std::to_string(numArgs) + " hold arguments)");
  if (writerSite_[slot] != kNone)
    return makeError(where + ": " + op + " writes slot " +
                     std::to_string(slot) + ", which is already written");
  const ValueType &type = program_.slotTypes[slot];
  if (expected && type != *expected)
    return makeError(where + ": " + op + " writes slot " +
                     std::to_string(slot) + " of type " + typeName(type) +
                     " (expected " + typeName(*expected) + ")");
  writerSite_[slot] = step.site;
  writerLoop_[slot] = openLoops_.empty() ? kNone : openLoops_.back();
  ++numWriters_;
  return Status::ok();
}

sgl::Status ProgramVerifier::checkRoles(const Step &step, uint32_t level,
                                        const std::string &where,
                                        const std::string &path) {
  if (step.kind == Step::Kind::Break) {
    if (role_.open && !openLoopLevels_.empty() &&
        role_.level >= openLoopLevels_.back())
      return makeError(where + ": break leaves the '" + roleName(role_.role) +
                       "' message opened at " + role_.at +
                       " open (close it before the break)");
    return Status::ok();
  }
  if (!isKnownRole(step.role))
    return makeError(where + ": unknown role " +
                     std::to_string(static_cast<unsigned>(step.role)));
  const char *op = stepKindName(step.kind);
  if (step.kind == Step::Kind::RoleBegin) {
    if (role_.open)
      return makeError(where + ": " + op + " '" + roleName(step.role) +
                       "' inside the '" + roleName(role_.role) +
                       "' message opened at " + role_.at +
                       " (roles do not nest)");
    role_ = OpenRole{true, step.role, path, level};
    return Status::ok();
  }
  if (!role_.open)
    return makeError(where + ": " + op + " '" + roleName(step.role) +
                     "' without a matching role_begin");
  if (role_.role != step.role)
    return makeError(where + ": " + op + " '" + roleName(step.role) +
                     "' closes the '" + roleName(role_.role) +
                     "' message opened at " + role_.at);
  if (role_.level != level)
    return makeError(where + ": " + op + " '" + roleName(step.role) +
                     "' closes the message opened at " + role_.at +
                     ", outside this block (a message closes in the block "
                     "that opens it)");
  role_.open = false;
  return Status::ok();
}

sgl::Status ProgramVerifier::checkStep(const Step &step, uint32_t level,
                                       const std::string &path) {
  const std::string where = label_ + ", " + path + locSuffix(step.loc);
  if (!isKnownKind(step.kind))
    return makeError(where + ": unknown step kind " +
                     std::to_string(static_cast<unsigned>(step.kind)));
  const char *op = stepKindName(step.kind);
  const uint32_t site = nextSite_++;
  if (step.site != site)
    return makeError(where + ": " + op + " has site " +
                     std::to_string(step.site) + ", expected " +
                     std::to_string(site) +
                     " (sites number the steps in pre-order)");
  const size_t blocks = blockCount(step.kind);
  if (step.blocks.size() != blocks)
    return makeError(where + ": " + op + " holds " +
                     plural(step.blocks.size(), "block", "blocks") +
                     " (expected " + std::to_string(blocks) + ")");
  if (blocks != 0 && level + 1 > kMaxBlockDepth)
    return makeError(where + ": blocks nest deeper than " +
                     std::to_string(kMaxBlockDepth) + " levels");

  switch (step.kind) {
  case Step::Kind::Text:
    return Status::ok();
  case Step::Kind::Append:
    return checkExpr(step.expr, where, op, 1);
  case Step::Kind::RoleBegin:
  case Step::Kind::RoleEnd:
    return checkRoles(step, level, where, path);
  case Step::Kind::Gen: {
    if (sgl::Status s = checkGenParams(where, step.gen); !s)
      return s;
    // A json_schema gen writes JSON, or the value type its schema always
    // gives (a typed gen: int, [str], ...); any other gen a str.
    if (step.gen.constraint.kind == GenConstraint::Kind::JsonSchema)
      return writeSlot(step, step.slot, where, nullptr);
    const ValueType str;
    return writeSlot(step, step.slot, where, &str);
  }
  case Step::Kind::Select: {
    if (step.choices.empty())
      return makeError(where + ": select has no choices");
    if (static_cast<uint8_t>(step.selectMethod) >
        static_cast<uint8_t>(SelectMethod::Unconditional))
      return makeError(
          where + ": unknown select method " +
          std::to_string(static_cast<unsigned>(step.selectMethod)));
    const ValueType str;
    return writeSlot(step, step.slot, where, &str);
  }
  case Step::Kind::Fork:
  case Step::Kind::Call:
    return checkScope(step, level, where, path);
  case Step::Kind::If:
    if (sgl::Status s = checkExpr(step.expr, where, op, 1); !s)
      return s;
    if (sgl::Status s = checkBlock(step.blocks[0], level + 1, path + "/then/");
        !s)
      return s;
    return checkBlock(step.blocks[1], level + 1, path + "/else/");
  case Step::Kind::ForEach:
  case Step::Kind::ForRange: {
    if (sgl::Status s = checkExpr(step.expr, where, op, 1); !s)
      return s;
    const bool range = step.kind == Step::Kind::ForRange;
    if (range)
      if (sgl::Status s = checkExpr(step.end, where, op, 1); !s)
        return s;
    // The loop's variable is written in its body: the loop is the
    // innermost loop around it.
    const auto index = static_cast<uint32_t>(loops_.size());
    loops_.push_back(
        Loop{site, openLoops_.empty() ? kNone : openLoops_.back(), &step});
    openLoops_.push_back(index);
    openLoopLevels_.push_back(level + 1);
    const ValueType integer{ValueType::Kind::Int, {}};
    if (sgl::Status s =
            writeSlot(step, step.slot, where, range ? &integer : nullptr);
        !s)
      return s;
    if (sgl::Status s = checkBlock(step.blocks[0], level + 1, path + "/body/");
        !s)
      return s;
    openLoops_.pop_back();
    openLoopLevels_.pop_back();
    return Status::ok();
  }
  case Step::Kind::Break:
    if (openLoops_.empty())
      return makeError(where + ": break outside a loop");
    if (loops_[openLoops_.back()].scope)
      return makeError(
          where + ": break outside a loop of the " +
          (loops_[openLoops_.back()].step->kind == Step::Kind::Fork
               ? "fork's body (a branch ends only at the end of its body)"
               : "call's body (a call ends only at the end of its body)"));
    return checkRoles(step, level, where, path);
  }
  return Status::ok();
}

sgl::Status ProgramVerifier::checkScope(const Step &step, uint32_t level,
                                        const std::string &where,
                                        const std::string &path) {
  const char *op = stepKindName(step.kind);
  const bool call = step.kind == Step::Kind::Call;
  if (call && step.expr.kind != Expr::Kind::List)
    return makeError(where + ": call arguments are a list expression, not " +
                     exprKindName(step.expr.kind));
  if (sgl::Status s = checkExpr(step.expr, where, op, 1); !s)
    return s;
  // The index (a call's arguments) is written in the body; the list of
  // branches (the call's object) after it, in the loops around it.
  const auto index = static_cast<uint32_t>(loops_.size());
  loops_.push_back(Loop{step.site,
                        openLoops_.empty() ? kNone : openLoops_.back(), &step,
                        /*scope=*/true});
  openLoops_.push_back(index);
  openLoopLevels_.push_back(level + 1);
  if (call) {
    // Consecutive slots, of the types the callee's arguments have.
    const uint64_t count = step.expr.operands.size();
    if (step.branchSlot + count > program_.numSlots)
      return makeError(where + ": call writes " + std::to_string(count) +
                       " argument slots from slot " +
                       std::to_string(step.branchSlot) + ", past num_slots (" +
                       std::to_string(program_.numSlots) + ")");
    for (uint32_t i = 0; i < count; ++i)
      if (sgl::Status s = writeSlot(step, step.branchSlot + i, where, nullptr);
          !s)
        return s;
  } else {
    const ValueType integer{ValueType::Kind::Int, {}};
    if (sgl::Status s = writeSlot(step, step.branchSlot, where, &integer); !s)
      return s;
  }
  if (sgl::Status s = checkBlock(step.blocks[0], level + 1, path + "/body/");
      !s)
    return s;
  openLoops_.pop_back();
  openLoopLevels_.pop_back();
  const ValueType json{ValueType::Kind::Json, {}};
  const ValueType result = call ? json : ValueType::list(json);
  return writeSlot(step, step.slot, where, &result);
}

sgl::Status ProgramVerifier::checkBlock(const Block &block, uint32_t level,
                                        const std::string &prefix) {
  for (size_t i = 0; i < block.steps.size(); ++i)
    if (sgl::Status s =
            checkStep(block.steps[i], level, prefix + std::to_string(i));
        !s)
      return s;
  if (level > 0 && role_.open && role_.level == level)
    return makeError(label_ + ", " + role_.at + ": the '" +
                     roleName(role_.role) +
                     "' message is not closed before the end of its block "
                     "(missing role_end)");
  return Status::ok();
}

std::string ProgramVerifier::bodyCapturesOf(uint32_t l) const {
  const Step &step = *loops_[l].step;
  return label_ + ", " + stepPath(program_, loops_[l].site) +
         locSuffix(step.loc) + ": " + stepKindName(step.kind) +
         " body_captures";
}

uint32_t ProgramVerifier::loopsAround(uint32_t slot) const {
  uint32_t depth = 0;
  forListers(slot, [&](uint32_t l) { depth += !loops_[l].scope; });
  return depth;
}

sgl::Status ProgramVerifier::checkCaptures() {
  // Names are unique among the fields of one object: the program's, or a
  // fork's branch or a call's (keyed by the scope's index in loops_).
  std::set<std::pair<uint32_t, std::string_view>> names;
  for (size_t i = 0; i < program_.captures.size(); ++i) {
    const Capture &capture = program_.captures[i];
    const std::string where = label_ + ", capture " + std::to_string(i);
    if (capture.name.empty())
      return makeError(where + ": capture name is empty");
    uint32_t scope = kNone;
    if (capture.slot < program_.numSlots)
      forListers(capture.slot, [&](uint32_t l) {
        if (loops_[l].scope)
          scope = l;
      });
    if (!names.insert({scope, capture.name}).second)
      return makeError(where + ": duplicate capture name " +
                       quoted(capture.name));
    if (capture.slot >= program_.numSlots)
      return makeError(where + " " + quoted(capture.name) + ": slot " +
                       std::to_string(capture.slot) +
                       " is out of range (num_slots is " +
                       std::to_string(program_.numSlots) + ")");
    if (writerSite_[capture.slot] == kNone)
      return makeError(where + " " + quoted(capture.name) + ": slot " +
                       std::to_string(capture.slot) + " is never written");
    const uint32_t depth = loopsAround(capture.slot);
    if (capture.depth != depth)
      return makeError(where + " " + quoted(capture.name) + ": depth is " +
                       std::to_string(capture.depth) + " but slot " +
                       std::to_string(capture.slot) + " is written inside " +
                       plural(depth, "loop", "loops") + " (expected " +
                       std::to_string(depth) + ")");
  }

  // Each loop's list (sorted), then every capture against the loops around
  // its writer: O(captures x depth x log), however many loops there are.
  std::vector<std::vector<uint32_t>> listed(loops_.size());
  for (uint32_t l = 0; l < loops_.size(); ++l) {
    listed[l] = loops_[l].step->bodyCaptures;
    for (size_t i = 0; i < listed[l].size(); ++i) {
      const uint32_t c = listed[l][i];
      if (c >= program_.captures.size())
        return makeError(
            bodyCapturesOf(l) + " lists capture " + std::to_string(c) +
            ", but the program has " +
            plural(program_.captures.size(), "capture", "captures"));
      if (i > 0 && listed[l][i - 1] == c)
        return makeError(bodyCapturesOf(l) + " lists capture " +
                         std::to_string(c) + " " +
                         quoted(program_.captures[c].name) + " twice");
      // Sorted, so the runtime finds a capture in it by binary search.
      if (i > 0 && listed[l][i - 1] > c)
        return makeError(bodyCapturesOf(l) + " lists capture " +
                         std::to_string(c) + " after capture " +
                         std::to_string(listed[l][i - 1]) +
                         " (it lists them in increasing order)");
    }
  }
  std::vector<size_t> found(loops_.size(), 0);
  for (size_t c = 0; c < program_.captures.size(); ++c) {
    sgl::Status missing = Status::ok();
    forListers(program_.captures[c].slot, [&](uint32_t l) {
      if (!missing)
        return;
      if (!std::binary_search(listed[l].begin(), listed[l].end(), c))
        missing = makeError(bodyCapturesOf(l) + " does not list capture " +
                            std::to_string(c) + " " +
                            quoted(program_.captures[c].name) +
                            ", which is made in its body");
      ++found[l];
    });
    if (!missing)
      return missing;
  }
  for (uint32_t l = 0; l < loops_.size(); ++l) {
    if (found[l] == listed[l].size())
      continue;
    // Some listed capture is not made in this loop's body.
    for (uint32_t c : loops_[l].step->bodyCaptures) {
      bool inside = false;
      forListers(program_.captures[c].slot,
                 [&](uint32_t k) { inside = inside || k == l; });
      if (!inside)
        return makeError(
            bodyCapturesOf(l) + " lists capture " + std::to_string(c) + " " +
            quoted(program_.captures[c].name) +
            (loops_[l].scope
                 ? ", which is not made in its body outside a nested fork or "
                   "call"
                 : ", which is not made in its body outside a fork or call"));
    }
  }
  return Status::ok();
}

sgl::Status ProgramVerifier::run() {
  if (program_.name.empty())
    return makeError(label_ + ": program name is empty");
  const size_t numArgs = program_.args.size();
  // slot_types is as large as the plan, so checking it first bounds the
  // per-slot tables below by the plan's size whatever num_slots says.
  if (program_.slotTypes.size() != program_.numSlots)
    return makeError(label_ + ": slot_types has " +
                     plural(program_.slotTypes.size(), "entry", "entries") +
                     " but num_slots is " + std::to_string(program_.numSlots));
  if (program_.numSlots < numArgs)
    return makeError(
        label_ + ": num_slots is " + std::to_string(program_.numSlots) +
        " but the program has " + std::to_string(numArgs) + " arguments");
  for (size_t i = 0; i < program_.slotTypes.size(); ++i)
    if (sgl::Status s =
            checkType(program_.slotTypes[i],
                      label_ + ": the type of slot " + std::to_string(i));
        !s)
      return s;
  writerSite_.assign(program_.numSlots, kNone);
  writerLoop_.assign(program_.numSlots, kNone);
  std::fill(writerSite_.begin(), writerSite_.begin() + numArgs, kArgument);
  if (sgl::Status s = checkArgs(); !s)
    return s;

  if (sgl::Status s = checkBlock(program_.body, 0, "step "); !s)
    return s;
  if (role_.open)
    return makeError(label_ + ", " + role_.at + ": the '" +
                     roleName(role_.role) +
                     "' message is never closed (missing role_end)");
  if (program_.numSlots != numArgs + numWriters_)
    return makeError(
        label_ + ": num_slots is " + std::to_string(program_.numSlots) +
        " but the program has " + std::to_string(numArgs) + " arguments and " +
        plural(numWriters_, "slot its steps write", "slots its steps write") +
        " (expected " + std::to_string(numArgs + numWriters_) + ")");
  if (program_.numSites != nextSite_)
    return makeError(
        label_ + ": num_sites is " + std::to_string(program_.numSites) +
        " but the program has " + plural(nextSite_, "step", "steps"));
  return checkCaptures();
}

} // namespace

sgl::Status verifyPlanVersion(uint16_t major, uint16_t minor) {
  if (major == kMajorVersion && minor <= kMinorVersion)
    return Status::ok();
  const std::string version =
      std::to_string(major) + "." + std::to_string(minor);
  std::string reads = std::to_string(kMajorVersion) + ".0";
  if (kMinorVersion > 0)
    reads += " to " + std::to_string(kMajorVersion) + "." +
             std::to_string(kMinorVersion);
  std::string message = "plan format version " + version +
                        " is not supported: the plan was written in format ";
  if (major < kMajorVersion)
    return makeError(message + std::to_string(major) +
                     ".x by an older sglc; recompile it with this sglc "
                     "(this runtime reads format " +
                     reads + ")");
  return makeError(message + version +
                   " by a newer sglc; this runtime reads format " + reads +
                   " (recompile it with this sglc, or use a newer sglrun)");
}

sgl::Status verifyPlan(const Plan &plan) {
  if (sgl::Status status =
          verifyPlanVersion(plan.majorVersion, plan.minorVersion);
      !status)
    return status;
  std::map<std::string_view, size_t> firstIndex;
  for (size_t i = 0; i < plan.programs.size(); ++i) {
    const Program &program = plan.programs[i];
    if (sgl::Status status = ProgramVerifier(program, i).run(); !status)
      return status;
    auto [it, inserted] = firstIndex.emplace(program.name, i);
    if (!inserted)
      return makeError(programLabel(program, i) + " (#" + std::to_string(i) +
                       "): duplicate program name, first defined as program #" +
                       std::to_string(it->second));
  }
  return Status::ok();
}

} // namespace sgl::runtime::plan
