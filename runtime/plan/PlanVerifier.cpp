//===- PlanVerifier.cpp - Semantic checks of an in-memory plan ------------===//
//
// One linear walk per program, tracking which slots are written and which
// chat message is open.
//
//===----------------------------------------------------------------------===//
#include "runtime/plan/PlanVerifier.h"

#include <cmath>
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

/// Prefix naming the program, the step index and, when known, the source.
std::string stepLabel(const std::string &program, size_t index,
                      const Step &step) {
  std::string label = program;
  label.append(", step ").append(std::to_string(index));
  if (step.loc.line != 0) {
    label.append(" (")
        .append(step.loc.file.empty() ? "<input>" : step.loc.file.c_str())
        .append(":")
        .append(std::to_string(step.loc.line))
        .append(":")
        .append(std::to_string(step.loc.col))
        .append(")");
  }
  return label;
}

bool isKnownKind(Step::Kind kind) {
  return static_cast<uint8_t>(kind) <= static_cast<uint8_t>(Step::Kind::Select);
}

bool isKnownRole(Role role) {
  return static_cast<uint8_t>(role) <= static_cast<uint8_t>(Role::Assistant);
}

sgl::Status checkGenParams(const std::string &where, const GenParams &gen) {
  if (gen.maxTokens && *gen.maxTokens == 0)
    return makeError(where + ": gen max_tokens must be at least 1");
  if (gen.temperature &&
      (!std::isfinite(*gen.temperature) || *gen.temperature < 0))
    return makeError(where + ": gen temperature must be a finite number >= 0");
  if (gen.topP && !(*gen.topP > 0 && *gen.topP <= 1))
    return makeError(where + ": gen top_p must be in (0, 1]");
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

sgl::Status verifyProgram(const Program &program, size_t index) {
  const std::string label = programLabel(program, index);
  if (program.name.empty())
    return makeError(label + ": program name is empty");

  std::set<std::string_view> argNames;
  for (size_t i = 0; i < program.args.size(); ++i) {
    const std::string &arg = program.args[i];
    if (arg.empty())
      return makeError(label + ": argument " + std::to_string(i) +
                       " has an empty name");
    if (!argNames.insert(arg).second)
      return makeError(label + ": duplicate argument name " + quoted(arg));
  }

  const size_t numArgs = program.args.size();
  size_t numWrites = 0;
  for (const Step &step : program.steps)
    if (step.kind == Step::Kind::Gen || step.kind == Step::Kind::Select)
      ++numWrites;
  if (program.numSlots != numArgs + numWrites)
    return makeError(
        label + ": num_slots is " + std::to_string(program.numSlots) +
        " but the program has " + std::to_string(numArgs) + " arguments and " +
        std::to_string(numWrites) + " gen/select steps (expected " +
        std::to_string(numArgs + numWrites) + ")");

  // Slots [0, numArgs) are written on entry. numSlots is bounded by the
  // number of steps plus arguments, so this vector is as small as the plan.
  std::vector<bool> written(program.numSlots, false);
  for (size_t i = 0; i < numArgs; ++i)
    written[i] = true;

  bool roleOpen = false;
  Role openRole = Role::User;
  size_t openedAt = 0;
  for (size_t i = 0; i < program.steps.size(); ++i) {
    const Step &step = program.steps[i];
    const std::string where = stepLabel(label, i, step);
    if (!isKnownKind(step.kind))
      return makeError(where + ": unknown step kind " +
                       std::to_string(static_cast<unsigned>(step.kind)));
    switch (step.kind) {
    case Step::Kind::Text:
      break;
    case Step::Kind::Append:
      if (step.slot >= program.numSlots)
        return makeError(where + ": append reads slot " +
                         std::to_string(step.slot) +
                         ", which is out of range (num_slots is " +
                         std::to_string(program.numSlots) + ")");
      if (!written[step.slot])
        return makeError(where + ": append reads slot " +
                         std::to_string(step.slot) +
                         ", which is not written before this step");
      break;
    case Step::Kind::RoleBegin:
      if (!isKnownRole(step.role))
        return makeError(where + ": unknown role " +
                         std::to_string(static_cast<unsigned>(step.role)));
      if (roleOpen)
        return makeError(where + ": role_begin '" + roleName(step.role) +
                         "' inside the '" + roleName(openRole) +
                         "' message opened at step " +
                         std::to_string(openedAt) + " (roles do not nest)");
      roleOpen = true;
      openRole = step.role;
      openedAt = i;
      break;
    case Step::Kind::RoleEnd:
      if (!isKnownRole(step.role))
        return makeError(where + ": unknown role " +
                         std::to_string(static_cast<unsigned>(step.role)));
      if (!roleOpen)
        return makeError(where + ": role_end '" + roleName(step.role) +
                         "' without a matching role_begin");
      if (openRole != step.role)
        return makeError(where + ": role_end '" + roleName(step.role) +
                         "' closes the '" + roleName(openRole) +
                         "' message opened at step " +
                         std::to_string(openedAt));
      roleOpen = false;
      break;
    case Step::Kind::Gen:
    case Step::Kind::Select: {
      const char *op = stepKindName(step.kind);
      if (step.slot < numArgs || step.slot >= program.numSlots)
        return makeError(where + ": " + op + " writes slot " +
                         std::to_string(step.slot) + ", which is not in [" +
                         std::to_string(numArgs) + ", " +
                         std::to_string(program.numSlots) + ") (slots below " +
                         std::to_string(numArgs) + " hold arguments)");
      if (written[step.slot])
        return makeError(where + ": " + op + " writes slot " +
                         std::to_string(step.slot) +
                         ", which is already written");
      written[step.slot] = true;
      if (step.kind == Step::Kind::Select && step.choices.empty())
        return makeError(where + ": select has no choices");
      if (step.kind == Step::Kind::Gen)
        if (sgl::Status status = checkGenParams(where, step.gen); !status)
          return status;
      break;
    }
    }
  }
  if (roleOpen)
    return makeError(label + ", step " + std::to_string(openedAt) + ": the '" +
                     roleName(openRole) +
                     "' message is never closed (missing role_end)");

  std::set<std::string_view> captureNames;
  for (size_t i = 0; i < program.captures.size(); ++i) {
    const Capture &capture = program.captures[i];
    const std::string where = label + ", capture " + std::to_string(i);
    if (capture.name.empty())
      return makeError(where + ": capture name is empty");
    if (!captureNames.insert(capture.name).second)
      return makeError(where + ": duplicate capture name " +
                       quoted(capture.name));
    if (capture.slot >= program.numSlots)
      return makeError(where + " " + quoted(capture.name) + ": slot " +
                       std::to_string(capture.slot) +
                       " is out of range (num_slots is " +
                       std::to_string(program.numSlots) + ")");
    if (!written[capture.slot])
      return makeError(where + " " + quoted(capture.name) + ": slot " +
                       std::to_string(capture.slot) + " is never written");
  }
  return Status::ok();
}

} // namespace

sgl::Status verifyPlanVersion(uint16_t major, uint16_t minor) {
  if (major != kMajorVersion || minor > kMinorVersion)
    return makeError("plan format version " + std::to_string(major) + "." +
                     std::to_string(minor) +
                     " is not supported by this runtime (supports " +
                     std::to_string(kMajorVersion) + "." +
                     std::to_string(kMinorVersion) + ")");
  return Status::ok();
}

sgl::Status verifyPlan(const Plan &plan) {
  if (sgl::Status status =
          verifyPlanVersion(plan.majorVersion, plan.minorVersion);
      !status)
    return status;
  std::map<std::string_view, size_t> firstIndex;
  for (size_t i = 0; i < plan.programs.size(); ++i) {
    const Program &program = plan.programs[i];
    if (sgl::Status status = verifyProgram(program, i); !status)
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
