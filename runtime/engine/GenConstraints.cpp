//===- GenConstraints.cpp - The constrained gens of one program -----------===//
#include "runtime/engine/GenConstraints.h"

#include "runtime/constraints/JsonSchema.h"
#include "runtime/support/MessageText.h"

namespace sgl::runtime {

using plan::GenConstraint;
using plan::Step;

std::string genSiteLabel(const plan::Program &program, size_t index) {
  const Step &step = program.steps[index];
  std::string name = "slot " + std::to_string(step.slot);
  for (const plan::Capture &capture : program.captures)
    if (capture.slot == step.slot)
      name = capture.name;
  std::string where =
      step.loc.line != 0 ? (step.loc.file.empty() ? "<input>" : step.loc.file) +
                               ":" + std::to_string(step.loc.line) + ":" +
                               std::to_string(step.loc.col)
                         : "program '" + abbreviate(program.name, 80) +
                               "', step " + std::to_string(index);
  return where + ": gen '" + abbreviate(name, 80) + "'";
}

Expected<std::shared_ptr<constraints::Constraint>>
compileGenConstraint(const GenConstraint &constraint) {
  switch (constraint.kind) {
  case GenConstraint::Kind::Regex:
    return constraints::Constraint::fromRegex(constraint.text);
  case GenConstraint::Kind::JsonSchema:
    return constraints::compileJsonSchema(constraint.text);
  case GenConstraint::Kind::None:
    break;
  }
  return makeError("not a constraint");
}

Expected<ProgramConstraints>
ProgramConstraints::compile(const plan::Program &program) {
  ProgramConstraints out;
  out.byStep_.resize(program.steps.size());
  for (size_t i = 0; i < program.steps.size(); ++i) {
    const Step &step = program.steps[i];
    if (step.kind != Step::Kind::Gen ||
        step.gen.constraint.kind == GenConstraint::Kind::None)
      continue;
    auto compiled = compileGenConstraint(step.gen.constraint);
    if (!compiled)
      return makeError(genSiteLabel(program, i) + ": cannot compile its " +
                       constraintKindName(step.gen.constraint.kind) +
                       " constraint: " + compiled.error().message);
    out.byStep_[i] = compiled.take();
  }
  return out;
}

bool ProgramConstraints::empty() const {
  for (const auto &constraint : byStep_)
    if (constraint)
      return false;
  return true;
}

GenConstraintMasks::GenConstraintMasks(const LoadedModel &model,
                                       const plan::Program &program,
                                       ProgramConstraints constraints)
    : model_(model), program_(program), constraints_(std::move(constraints)),
      insideAssistant_(program.steps.size(), false),
      masks_(program.steps.size()) {
  // Roles do not nest (PlanVerifier), so the open one is known per step.
  bool assistant = false;
  for (size_t i = 0; i < program.steps.size(); ++i) {
    const Step &step = program.steps[i];
    if (step.kind == Step::Kind::RoleBegin)
      assistant = step.role == plan::Role::Assistant;
    else if (step.kind == Step::Kind::RoleEnd)
      assistant = false;
    insideAssistant_[i] = assistant;
  }
}

GenConstraintMasks::~GenConstraintMasks() = default;

constraints::ConstraintMasks *GenConstraintMasks::forStep(size_t index) {
  if (index >= masks_.size())
    return nullptr;
  if (!masks_[index]) {
    std::shared_ptr<const constraints::Constraint> constraint =
        constraints_.forStep(index);
    if (!constraint)
      return nullptr;
    masks_[index] = std::make_unique<constraints::ConstraintMasks>(
        std::move(constraint),
        model_.constraintVocabulary(insideAssistant_[index]));
  }
  return masks_[index].get();
}

} // namespace sgl::runtime
