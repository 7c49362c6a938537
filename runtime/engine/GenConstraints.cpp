//===- GenConstraints.cpp - The constrained gens of one program -----------===//
#include "runtime/engine/GenConstraints.h"

#include "runtime/constraints/JsonSchema.h"
#include "runtime/support/MessageText.h"

#include <optional>

namespace sgl::runtime {

using plan::GenConstraint;
using plan::Step;

std::string genSiteLabel(const plan::Program &program, const Step &step) {
  std::string name = "slot " + std::to_string(step.slot);
  for (const plan::Capture &capture : program.captures)
    if (capture.slot == step.slot)
      name = capture.name;
  std::string where =
      step.loc.line != 0 ? (step.loc.file.empty() ? "<input>" : step.loc.file) +
                               ":" + std::to_string(step.loc.line) + ":" +
                               std::to_string(step.loc.col)
                         : "program '" + abbreviate(program.name, 80) + "', " +
                               plan::stepPath(program, step.site);
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
  out.bySite_.resize(program.numSites);
  std::optional<Error> error;
  plan::forEachStep(program.body, [&](const Step &step) {
    if (error || step.kind != Step::Kind::Gen ||
        step.gen.constraint.kind == GenConstraint::Kind::None)
      return;
    if (step.site >= out.bySite_.size()) {
      error = makeError(genSiteLabel(program, step) + ": its site " +
                        std::to_string(step.site) + " is past the program's " +
                        std::to_string(program.numSites));
      return;
    }
    auto compiled = compileGenConstraint(step.gen.constraint);
    if (!compiled) {
      error = makeError(genSiteLabel(program, step) + ": cannot compile its " +
                        constraintKindName(step.gen.constraint.kind) +
                        " constraint: " + compiled.error().message);
      return;
    }
    out.bySite_[step.site] = compiled.take();
  });
  if (error)
    return *error;
  return out;
}

bool ProgramConstraints::empty() const {
  for (const auto &constraint : bySite_)
    if (constraint)
      return false;
  return true;
}

namespace {

/// Marks the sites of `block` that lie inside an assistant message, given
/// whether one is open where the block starts.
void markAssistant(const plan::Block &block, bool assistant,
                   std::vector<bool> &inside) {
  for (const Step &step : block.steps) {
    if (step.kind == Step::Kind::RoleBegin)
      assistant = step.role == plan::Role::Assistant;
    else if (step.kind == Step::Kind::RoleEnd)
      assistant = false;
    if (step.site < inside.size())
      inside[step.site] = assistant;
    for (const plan::Block &nested : step.blocks)
      markAssistant(nested, assistant, inside);
  }
}

} // namespace

GenConstraintMasks::GenConstraintMasks(const LoadedModel &model,
                                       const plan::Program &program,
                                       ProgramConstraints constraints)
    : model_(model), program_(program), constraints_(std::move(constraints)),
      insideAssistant_(program.numSites, false), masks_(program.numSites) {
  markAssistant(program.body, false, insideAssistant_);
}

GenConstraintMasks::~GenConstraintMasks() = default;

constraints::ConstraintMasks *GenConstraintMasks::forSite(uint32_t site) {
  if (site >= masks_.size())
    return nullptr;
  if (!masks_[site]) {
    std::shared_ptr<const constraints::Constraint> constraint =
        constraints_.forSite(site);
    if (!constraint)
      return nullptr;
    masks_[site] = std::make_unique<constraints::ConstraintMasks>(
        std::move(constraint),
        model_.constraintVocabulary(insideAssistant_[site]));
  }
  return masks_[site].get();
}

} // namespace sgl::runtime
