//===- PlanWriter.cpp - Serialize a plan to FlatBuffers -------------------===//
//
// One builder pass, children before parents as FlatBuffers requires (the
// recursion over blocks and expressions is as deep as the plan). Empty
// strings and vectors, and step and expression fields that do not belong to
// their kind, are left out; the reader reads them back as empty/default.
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
         gen.constraint.kind != GenConstraint::Kind::None || gen.minP ||
         gen.repetitionPenalty || gen.frequencyPenalty || gen.presencePenalty;
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
  if (gen.minP)
    b.add_min_p(*gen.minP);
  if (gen.repetitionPenalty)
    b.add_repetition_penalty(*gen.repetitionPenalty);
  if (gen.frequencyPenalty)
    b.add_frequency_penalty(*gen.frequencyPenalty);
  if (gen.presencePenalty)
    b.add_presence_penalty(*gen.presencePenalty);
  return b.Finish();
}

Offset<fb::SourceLocation> writeLoc(FlatBufferBuilder &fbb,
                                    const SourceLocation &loc) {
  if (loc.file.empty() && loc.line == 0 && loc.col == 0)
    return 0;
  auto file = stringOrNull(fbb, loc.file);
  return fb::CreateSourceLocation(fbb, file, loc.line, loc.col);
}

/// A List's element is written (its first entry); other kinds have none.
Offset<fb::ValueType> writeType(FlatBufferBuilder &fbb, const ValueType &type) {
  Offset<fb::ValueType> element = 0;
  if (type.kind == ValueType::Kind::List && !type.element.empty())
    element = writeType(fbb, type.element.front());
  return fb::CreateValueType(fbb, static_cast<fb::ValueKind>(type.kind),
                             element);
}

Offset<flatbuffers::Vector<Offset<fb::ValueType>>>
writeTypes(FlatBufferBuilder &fbb, const std::vector<ValueType> &types) {
  if (types.empty())
    return 0;
  std::vector<Offset<fb::ValueType>> offsets;
  offsets.reserve(types.size());
  for (const ValueType &type : types)
    offsets.push_back(writeType(fbb, type));
  return fbb.CreateVector(offsets);
}

/// Only the field of the literal's kind is written.
Offset<fb::Literal> writeLiteral(FlatBufferBuilder &fbb,
                                 const Literal &literal) {
  auto str =
      literal.kind == ValueType::Kind::Str ? stringOrNull(fbb, literal.str) : 0;
  fb::LiteralBuilder b(fbb);
  b.add_kind(static_cast<fb::ValueKind>(literal.kind));
  b.add_str(str);
  if (literal.kind == ValueType::Kind::Int)
    b.add_integer(literal.integer);
  if (literal.kind == ValueType::Kind::Number)
    b.add_number(literal.number);
  if (literal.kind == ValueType::Kind::Bool)
    b.add_boolean(literal.boolean);
  return b.Finish();
}

/// Writes the fields that belong to the expression's kind: the literal of
/// a Literal, the slot of a Slot or Output, the operands of the others.
Offset<fb::Expr> writeExpr(FlatBufferBuilder &fbb, const Expr &expr) {
  const bool isLiteral = expr.kind == Expr::Kind::Literal;
  const bool hasSlot =
      expr.kind == Expr::Kind::Slot || expr.kind == Expr::Kind::Output;
  auto literal = isLiteral ? writeLiteral(fbb, expr.literal) : 0;
  Offset<flatbuffers::Vector<Offset<fb::Expr>>> operands = 0;
  if (!isLiteral && !hasSlot && !expr.operands.empty()) {
    std::vector<Offset<fb::Expr>> offsets;
    offsets.reserve(expr.operands.size());
    for (const Expr &operand : expr.operands)
      offsets.push_back(writeExpr(fbb, operand));
    operands = fbb.CreateVector(offsets);
  }
  auto loc = writeLoc(fbb, expr.loc);
  return fb::CreateExpr(fbb, static_cast<fb::ExprKind>(expr.kind), literal,
                        hasSlot ? expr.slot : 0, operands, loc);
}

Offset<fb::Block> writeBlock(FlatBufferBuilder &fbb, const Block &block);

/// Writes the fields that belong to the step's kind (and its site and
/// location); the others are left out, so what is read back is the
/// canonical step.
Offset<fb::Step> writeStep(FlatBufferBuilder &fbb, const Step &step) {
  using Kind = Step::Kind;
  const Kind kind = step.kind;
  const bool loop = isLoop(kind);
  const bool fork = isCaptureScope(kind);
  const bool hasSlot =
      kind == Kind::Gen || kind == Kind::Select || loop || fork;
  const bool hasRole = kind == Kind::RoleBegin || kind == Kind::RoleEnd;
  const bool hasExpr = kind == Kind::Append || kind == Kind::If || loop || fork;
  auto text = kind == Kind::Text ? stringOrNull(fbb, step.text) : 0;
  auto gen = kind == Kind::Gen ? writeGenParams(fbb, step.gen) : 0;
  auto choices = kind == Kind::Select ? stringsOrNull(fbb, step.choices) : 0;
  auto expr = hasExpr ? writeExpr(fbb, step.expr) : 0;
  auto end = kind == Kind::ForRange ? writeExpr(fbb, step.end) : 0;
  Offset<flatbuffers::Vector<Offset<fb::Block>>> blocks = 0;
  if (blockCount(kind) != 0 && !step.blocks.empty()) {
    std::vector<Offset<fb::Block>> offsets;
    offsets.reserve(step.blocks.size());
    for (const Block &block : step.blocks)
      offsets.push_back(writeBlock(fbb, block));
    blocks = fbb.CreateVector(offsets);
  }
  auto bodyCaptures = (loop || fork) && !step.bodyCaptures.empty()
                          ? fbb.CreateVector(step.bodyCaptures)
                          : 0;
  auto loc = writeLoc(fbb, step.loc);
  return fb::CreateStep(
      fbb, static_cast<fb::StepKind>(kind), text, hasSlot ? step.slot : 0,
      hasRole ? static_cast<fb::Role>(step.role) : fb::Role_User, gen, choices,
      expr, end, blocks, bodyCaptures, step.site, loc,
      fork ? step.branchSlot : 0,
      kind == Kind::Select ? static_cast<fb::SelectMethod>(step.selectMethod)
                           : fb::SelectMethod_Normalized);
}

/// A block is always written (even empty), so an If keeps both branches.
Offset<fb::Block> writeBlock(FlatBufferBuilder &fbb, const Block &block) {
  Offset<flatbuffers::Vector<Offset<fb::Step>>> steps = 0;
  if (!block.steps.empty()) {
    std::vector<Offset<fb::Step>> offsets;
    offsets.reserve(block.steps.size());
    for (const Step &step : block.steps)
      offsets.push_back(writeStep(fbb, step));
    steps = fbb.CreateVector(offsets);
  }
  return fb::CreateBlock(fbb, steps);
}

Offset<fb::Program> writeProgram(FlatBufferBuilder &fbb,
                                 const Program &program) {
  auto name = stringOrNull(fbb, program.name);
  Offset<flatbuffers::Vector<Offset<fb::Arg>>> args = 0;
  if (!program.args.empty()) {
    std::vector<Offset<fb::Arg>> offsets;
    offsets.reserve(program.args.size());
    for (const Arg &arg : program.args) {
      auto argName = stringOrNull(fbb, arg.name);
      auto type = writeType(fbb, arg.type);
      auto value = arg.defaultValue ? writeExpr(fbb, *arg.defaultValue) : 0;
      offsets.push_back(fb::CreateArg(fbb, argName, type, value));
    }
    args = fbb.CreateVector(offsets);
  }
  auto slotTypes = writeTypes(fbb, program.slotTypes);
  auto body = writeBlock(fbb, program.body);
  std::vector<Offset<fb::Capture>> captures;
  captures.reserve(program.captures.size());
  for (const Capture &capture : program.captures)
    captures.push_back(fb::CreateCapture(fbb, stringOrNull(fbb, capture.name),
                                         capture.slot, capture.depth));
  auto capturesVec = captures.empty() ? 0 : fbb.CreateVector(captures);
  return fb::CreateProgram(fbb, name, args, program.numSlots, slotTypes, body,
                           capturesVec, program.numSites);
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
