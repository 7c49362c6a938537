//===- GenConstraints.h - The constrained gens of one program ---*- C++ -*-===//
//
// A gen may carry a regex or a JSON Schema (plan::GenConstraint). Its
// constraint is compiled once, when the plan is loaded, and its token masks
// are built for one model and shared by every instance of the program, so
// that batch mode's instances fill and hit one mask cache per gen site:
//
//   auto compiled = ProgramConstraints::compile(program);   // at plan load
//   GenConstraintMasks masks(model, program, compiled.take()); // per model
//   ProgramInstance inst(model, program, args, options, &masks);
//
// The masks are not thread-safe: one scheduler thread samples for all the
// instances that share them.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_ENGINE_GENCONSTRAINTS_H
#define SGL_RUNTIME_ENGINE_GENCONSTRAINTS_H

#include "runtime/constraints/Constraint.h"
#include "runtime/engine/LoadedModel.h"
#include "runtime/plan/Plan.h"
#include "runtime/support/Expected.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace sgl::runtime {

/// The compiled constraint of every gen step of one program, by site.
class ProgramConstraints {
public:
  /// Compiles every constraint of `program`; an error names the program,
  /// the gen (capture name, source location) and what the engine said.
  static Expected<ProgramConstraints> compile(const plan::Program &program);

  /// Null for a site without a constraint.
  std::shared_ptr<const constraints::Constraint> forSite(uint32_t site) const {
    return site < bySite_.size() ? bySite_[site] : nullptr;
  }
  /// Whether no gen of the program has a constraint.
  bool empty() const;

private:
  std::vector<std::shared_ptr<const constraints::Constraint>> bySite_;
};

/// Compiles `constraint` (kind None: an error); errors are the engine's.
Expected<std::shared_ptr<constraints::Constraint>>
compileGenConstraint(const plan::GenConstraint &constraint);

/// The token masks of one program's constraints over one model's
/// vocabulary, made on first use per gen site.
class GenConstraintMasks {
public:
  GenConstraintMasks(const LoadedModel &model, const plan::Program &program,
                     ProgramConstraints constraints);
  ~GenConstraintMasks();
  GenConstraintMasks(const GenConstraintMasks &) = delete;
  GenConstraintMasks &operator=(const GenConstraintMasks &) = delete;

  /// The program these masks are for.
  const plan::Program &program() const { return program_; }
  /// The masks of the gen at `site`, or null when it has no constraint.
  /// A gen inside a loop runs many times over the same masks.
  constraints::ConstraintMasks *forSite(uint32_t site);

private:
  const LoadedModel &model_;
  const plan::Program &program_;
  ProgramConstraints constraints_;
  /// Per site: whether it lies inside an assistant message, where the
  /// template's end of turn also ends a gen. Roles close in the block that
  /// opens them (PlanVerifier), so this is known for every site.
  std::vector<bool> insideAssistant_;
  std::vector<std::unique_ptr<constraints::ConstraintMasks>> masks_;
};

/// "t.sgl:3:5: gen 'name'" for gen step `gen` of `program` ("program 'p',
/// step 4/body/0: gen 'name'" without a location), to start a message.
std::string genSiteLabel(const plan::Program &program, const plan::Step &gen);

} // namespace sgl::runtime

#endif // SGL_RUNTIME_ENGINE_GENCONSTRAINTS_H
