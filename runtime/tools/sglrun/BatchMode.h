//===- BatchMode.h - sglrun --inputs/--output over the scheduler -*- C++
//-*-===//
#ifndef SGL_TOOLS_SGLRUN_BATCHMODE_H
#define SGL_TOOLS_SGLRUN_BATCHMODE_H

#include "runtime/engine/GenConstraints.h"
#include "runtime/engine/LoadedModel.h"
#include "runtime/engine/ProgramInstance.h"
#include "runtime/engine/Scheduler.h"
#include "runtime/plan/Plan.h"

#include <string>

namespace sgl::runtime {

struct BatchModeOptions {
  std::string inputs;
  std::string output = "-";
  bool resume = false;
  bool stats = false;
};

/// Runs `program` once per input line (see docs/batch.md) and returns the
/// exit status: 0, or 1 when a line failed or the run could not go on.
/// Every instance shares `constraints`, the masks of the program's
/// constrained gens (null when it has none).
int runBatchMode(LoadedModel &model, const plan::Program &program,
                 const SchedulerOptions &scheduler, const RunOptions &run,
                 const BatchModeOptions &options,
                 GenConstraintMasks *constraints);

} // namespace sgl::runtime

#endif // SGL_TOOLS_SGLRUN_BATCHMODE_H
