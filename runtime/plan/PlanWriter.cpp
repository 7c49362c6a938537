//===- PlanWriter.cpp - Serialize a plan to FlatBuffers -------------------===//
//
// One builder pass, children before parents as FlatBuffers requires. Empty
// strings and vectors, and step fields that do not belong to the step's
// kind, are left out; the reader reads them back as empty/default.
//
//===----------------------------------------------------------------------===//
#include "runtime/plan/PlanWriter.h"

#include "runtime/plan/PlanVerifier.h"
#include "runtime/plan/Plan_generated.h"

#include <cassert>
#include <cerrno>
#include <cstring>
#include <fstream>

namespace sgl::runtime::plan {
namespace {

using flatbuffers::FlatBufferBuilder;
using flatbuffers::Offset;

Offset<flatbuffers::String> stringOrNull(FlatBufferBuilder &fbb,
                                         const std::string &s) {
  return s.empty() ? 0 : fbb.CreateString(s);
}

Offset<flatbuffers::Vector<Offset<flatbuffers::String>>>
stringsOrNull(FlatBufferBuilder &fbb, const std::vector<std::string> &v) {
  if (v.empty())
    return 0;
  std::vector<Offset<flatbuffers::String>> offsets;
  offsets.reserve(v.size());
  for (const std::string &s : v)
    offsets.push_back(fbb.CreateString(s));
  return fbb.CreateVector(offsets);
}

bool hasGenParams(const GenParams &gen) {
  return gen.maxTokens || !gen.stop.empty() || gen.temperature || gen.topP ||
         gen.topK || gen.seed ||
         gen.constraint.kind != GenConstraint::Kind::None;
}

Offset<fb::GenConstraint> writeConstraint(FlatBufferBuilder &fbb,
                                          const GenConstraint &constraint) {
  if (constraint.kind == GenConstraint::Kind::None)
    return 0;
  auto text = stringOrNull(fbb, constraint.text);
  return fb::CreateGenConstraint(
      fbb, static_cast<fb::ConstraintKind>(constraint.kind), text);
}

Offset<fb::GenParams> writeGenParams(FlatBufferBuilder &fbb,
                                     const GenParams &gen) {
  if (!hasGenParams(gen))
    return 0;
  auto stop = stringsOrNull(fbb, gen.stop);
  auto constraint = writeConstraint(fbb, gen.constraint);
  fb::GenParamsBuilder b(fbb);
  if (gen.maxTokens)
    b.add_max_tokens(*gen.maxTokens);
  b.add_stop(stop);
  if (gen.temperature)
    b.add_temperature(*gen.temperature);
  if (gen.topP)
    b.add_top_p(*gen.topP);
  if (gen.topK)
    b.add_top_k(*gen.topK);
  if (gen.seed)
    b.add_seed(*gen.seed);
  b.add_constraint(constraint);
  return b.Finish();
}

Offset<fb::SourceLocation> writeLoc(FlatBufferBuilder &fbb,
                                    const SourceLocation &loc) {
  if (loc.file.empty() && loc.line == 0 && loc.col == 0)
    return 0;
  auto file = stringOrNull(fbb, loc.file);
  return fb::CreateSourceLocation(fbb, file, loc.line, loc.col);
}

/// Writes the fields that belong to the step's kind (and its location);
/// the others are left out, so what is read back is the canonical step.
Offset<fb::Step> writeStep(FlatBufferBuilder &fbb, const Step &step) {
  const bool hasSlot = step.kind == Step::Kind::Append ||
                       step.kind == Step::Kind::Gen ||
                       step.kind == Step::Kind::Select;
  const bool hasRole =
      step.kind == Step::Kind::RoleBegin || step.kind == Step::Kind::RoleEnd;
  auto text = step.kind == Step::Kind::Text ? stringOrNull(fbb, step.text) : 0;
  auto gen = step.kind == Step::Kind::Gen ? writeGenParams(fbb, step.gen) : 0;
  auto choices =
      step.kind == Step::Kind::Select ? stringsOrNull(fbb, step.choices) : 0;
  auto loc = writeLoc(fbb, step.loc);
  return fb::CreateStep(
      fbb, static_cast<fb::StepKind>(step.kind), text, hasSlot ? step.slot : 0,
      hasRole ? static_cast<fb::Role>(step.role) : fb::Role_User, gen, choices,
      loc);
}

Offset<fb::Program> writeProgram(FlatBufferBuilder &fbb,
                                 const Program &program) {
  auto name = stringOrNull(fbb, program.name);
  auto args = stringsOrNull(fbb, program.args);
  std::vector<Offset<fb::Step>> steps;
  steps.reserve(program.steps.size());
  for (const Step &step : program.steps)
    steps.push_back(writeStep(fbb, step));
  std::vector<Offset<fb::Capture>> captures;
  captures.reserve(program.captures.size());
  for (const Capture &capture : program.captures)
    captures.push_back(
        fb::CreateCapture(fbb, stringOrNull(fbb, capture.name), capture.slot));
  auto stepsVec = steps.empty() ? 0 : fbb.CreateVector(steps);
  auto capturesVec = captures.empty() ? 0 : fbb.CreateVector(captures);
  return fb::CreateProgram(fbb, name, args, program.numSlots, stepsVec,
                           capturesVec);
}

} // namespace

std::string serializePlan(const Plan &plan) {
  FlatBufferBuilder fbb(1024);
  auto producer = stringOrNull(fbb, plan.producer);
  std::vector<Offset<fb::Program>> programs;
  programs.reserve(plan.programs.size());
  for (const Program &program : plan.programs)
    programs.push_back(writeProgram(fbb, program));
  auto programsVec = programs.empty() ? 0 : fbb.CreateVector(programs);
  fb::PlanBuilder root(fbb);
  root.add_major_version(plan.majorVersion);
  root.add_minor_version(plan.minorVersion);
  // A non-zero placeholder so the field is stored; patched below once the
  // final size is known.
  root.add_byte_size(~uint32_t{0});
  root.add_producer(producer);
  root.add_programs(programsVec);
  fb::FinishPlanBuffer(fbb, root.Finish());

  uint8_t *buffer = fbb.GetBufferPointer();
  [[maybe_unused]] bool patched =
      flatbuffers::GetMutableRoot<flatbuffers::Table>(buffer)
          ->SetField<uint32_t>(fb::Plan::VT_BYTE_SIZE, fbb.GetSize());
  assert(patched && "byte_size must be stored in the root table");
  return std::string(reinterpret_cast<const char *>(buffer), fbb.GetSize());
}

sgl::Status writePlanFile(const Plan &plan, const std::string &path) {
  if (sgl::Status status = verifyPlan(plan); !status)
    return status;
  return writePlanBytes(serializePlan(plan), path);
}

sgl::Status writePlanBytes(std::string_view bytes, const std::string &path) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out)
    return makeError("cannot open '" + path +
                     "' for writing: " + std::strerror(errno));
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out)
    return makeError("cannot write '" + path + "': " + std::strerror(errno));
  return Status::ok();
}

} // namespace sgl::runtime::plan
