//===- PlanReader.cpp - Read and verify a plan ----------------------------===//
//
// The FlatBuffers verifier makes every offset and length safe to follow; on
// top of it the reader bounds what sharing could amplify: PlanWriter never
// shares strings or tables, so an honest buffer decodes to at most its own
// size in string bytes and to at most one table per four bytes. Table
// nesting is bounded too (kMaxTableDepth), so the recursive decoding of
// blocks and expressions cannot exhaust the stack.
//
//===----------------------------------------------------------------------===//
#include "runtime/plan/PlanReader.h"

#include "runtime/plan/PlanVerifier.h"
#include "runtime/plan/Plan_generated.h"
#include "runtime/support/InputFile.h"

#include <cstdint>
#include <cstring>
#include <vector>

namespace sgl::runtime::plan {
namespace {

/// How deeply tables may nest: Plan, Program, then a Block and a Step per
/// level of blocks, then an expression tree and its literal or location,
/// with room to spare. It bounds the recursion of the FlatBuffers verifier
/// and of the Decoder below; PlanVerifier then applies the limits of
/// Plan.h with messages that say which one a plan breaks.
constexpr flatbuffers::uoffset_t kMaxTableDepth =
    2 * kMaxBlockDepth + kMaxExprDepth + 32;

constexpr const char kCorrupt[] =
    "plan is truncated or corrupt (structure check failed); recompile it "
    "with sglc";

/// Converts verified FlatBuffers tables into Plan structs, counting decoded
/// string bytes against a budget.
class Decoder {
public:
  explicit Decoder(size_t stringBudget) : budget_(stringBudget) {}

  bool overBudget() const { return overBudget_; }

  std::string str(const flatbuffers::String *s) {
    if (!s)
      return {};
    if (s->size() > budget_) {
      overBudget_ = true;
      return {};
    }
    budget_ -= s->size();
    return s->str();
  }

  std::vector<std::string>
  strs(const flatbuffers::Vector<flatbuffers::Offset<flatbuffers::String>> *v) {
    std::vector<std::string> out;
    if (!v)
      return out;
    out.reserve(v->size());
    for (const flatbuffers::String *s : *v)
      out.push_back(str(s));
    return out;
  }

  SourceLocation loc(const fb::SourceLocation *in) {
    SourceLocation out;
    if (in) {
      out.file = str(in->file());
      out.line = in->line();
      out.col = in->col();
    }
    return out;
  }

  /// A List's element type; other kinds have none. An unknown kind is kept
  /// for PlanVerifier to name.
  ValueType type(const fb::ValueType &in) {
    ValueType out;
    out.kind = static_cast<ValueType::Kind>(in.kind());
    if (out.kind == ValueType::Kind::List)
      if (const fb::ValueType *element = in.element())
        out.element.push_back(type(*element));
    return out;
  }

  /// Reads the field of the literal's kind.
  Literal literal(const fb::Literal &in) {
    Literal out;
    out.kind = static_cast<ValueType::Kind>(in.kind());
    switch (out.kind) {
    case ValueType::Kind::Str:
      out.str = str(in.str());
      break;
    case ValueType::Kind::Int:
      out.integer = in.integer();
      break;
    case ValueType::Kind::Number:
      out.number = in.number();
      break;
    case ValueType::Kind::Bool:
      out.boolean = in.boolean();
      break;
    case ValueType::Kind::List:
    case ValueType::Kind::Json:
      break;
    }
    return out;
  }

  /// Reads the fields that belong to the expression's kind.
  Expr expr(const fb::Expr *in) {
    Expr out;
    if (!in)
      return out;
    out.kind = static_cast<Expr::Kind>(in->kind());
    if (out.kind == Expr::Kind::Literal) {
      if (const fb::Literal *lit = in->literal())
        out.literal = literal(*lit);
    } else if (out.kind == Expr::Kind::Slot || out.kind == Expr::Kind::Output) {
      out.slot = in->slot();
    } else if (const auto *operands = in->operands()) {
      out.operands.reserve(operands->size());
      for (const fb::Expr *operand : *operands)
        out.operands.push_back(expr(operand));
    }
    out.loc = loc(in->loc());
    return out;
  }

  Block block(const fb::Block *in) {
    Block out;
    if (!in || !in->steps())
      return out;
    out.steps.reserve(in->steps()->size());
    for (const fb::Step *s : *in->steps())
      out.steps.push_back(step(*s));
    return out;
  }

  /// Reads the fields that belong to the step's kind; others are ignored,
  /// so every decoded step is in canonical form.
  Step step(const fb::Step &in) {
    Step out;
    out.kind = static_cast<Step::Kind>(in.kind());
    switch (out.kind) {
    case Step::Kind::Text:
      out.text = str(in.text());
      break;
    case Step::Kind::Append:
      out.expr = expr(in.expr());
      break;
    case Step::Kind::RoleBegin:
    case Step::Kind::RoleEnd:
      out.role = static_cast<Role>(in.role());
      break;
    case Step::Kind::Gen:
      out.slot = in.slot();
      if (const fb::GenParams *gen = in.gen())
        out.gen = genParams(*gen);
      break;
    case Step::Kind::Select:
      out.slot = in.slot();
      out.choices = strs(in.choices());
      out.selectMethod = static_cast<SelectMethod>(in.select_method());
      break;
    case Step::Kind::If:
      out.expr = expr(in.expr());
      blocks(in, out);
      break;
    case Step::Kind::ForEach:
    case Step::Kind::ForRange:
      out.slot = in.slot();
      out.expr = expr(in.expr());
      if (out.kind == Step::Kind::ForRange)
        out.end = expr(in.end());
      blocks(in, out);
      if (const auto *captures = in.body_captures())
        out.bodyCaptures.assign(captures->begin(), captures->end());
      break;
    case Step::Kind::Break:
      break;
    case Step::Kind::Fork:
    case Step::Kind::Call:
      out.slot = in.slot();
      out.branchSlot = in.branch_slot();
      out.expr = expr(in.expr());
      blocks(in, out);
      if (const auto *captures = in.body_captures())
        out.bodyCaptures.assign(captures->begin(), captures->end());
      break;
    }
    out.site = in.site();
    out.loc = loc(in.loc());
    return out;
  }

  void blocks(const fb::Step &in, Step &out) {
    if (const auto *blocks = in.blocks()) {
      out.blocks.reserve(blocks->size());
      for (const fb::Block *b : *blocks)
        out.blocks.push_back(block(b));
    }
  }

  GenParams genParams(const fb::GenParams &gen) {
    GenParams out;
    if (auto v = gen.max_tokens())
      out.maxTokens = *v;
    out.stop = strs(gen.stop());
    if (auto v = gen.temperature())
      out.temperature = *v;
    if (auto v = gen.top_p())
      out.topP = *v;
    if (auto v = gen.top_k())
      out.topK = *v;
    if (auto v = gen.seed())
      out.seed = *v;
    const fb::GenConstraint *constraint = gen.constraint();
    if (constraint && constraint->kind() != fb::ConstraintKind_None) {
      // An unknown kind is kept as it is, for PlanVerifier to name.
      out.constraint.kind =
          static_cast<GenConstraint::Kind>(constraint->kind());
      out.constraint.text = str(constraint->text());
    }
    if (auto v = gen.min_p())
      out.minP = *v;
    if (auto v = gen.repetition_penalty())
      out.repetitionPenalty = *v;
    if (auto v = gen.frequency_penalty())
      out.frequencyPenalty = *v;
    if (auto v = gen.presence_penalty())
      out.presencePenalty = *v;
    return out;
  }

  Program program(const fb::Program &in) {
    Program out;
    out.name = str(in.name());
    if (const auto *args = in.args()) {
      out.args.reserve(args->size());
      for (const fb::Arg *a : *args) {
        Arg arg;
        arg.name = str(a->name());
        if (const fb::ValueType *t = a->type())
          arg.type = type(*t);
        if (const fb::Expr *value = a->default_value())
          arg.defaultValue = expr(value);
        out.args.push_back(std::move(arg));
      }
    }
    out.numSlots = in.num_slots();
    if (const auto *types = in.slot_types()) {
      out.slotTypes.reserve(types->size());
      for (const fb::ValueType *t : *types)
        out.slotTypes.push_back(type(*t));
    }
    out.body = block(in.body());
    if (const auto *captures = in.captures()) {
      out.captures.reserve(captures->size());
      for (const fb::Capture *c : *captures)
        out.captures.push_back(Capture{str(c->name()), c->slot(), c->depth()});
    }
    out.numSites = in.num_sites();
    return out;
  }

private:
  size_t budget_;
  bool overBudget_ = false;
};

/// The fields of the root table a reader checks before anything else.
struct Header {
  uint16_t majorVersion = 0;
  uint16_t minorVersion = 0;
  uint32_t byteSize = 0;
};

/// Verifies just the root table's vtable and its header fields, so a plan
/// from another format version is reported as such even when the rest of
/// its layout differs.
bool readHeader(const uint8_t *data, size_t size, Header &header) {
  flatbuffers::Verifier verifier(data, size);
  if (!verifier.VerifyOffset(0))
    return false;
  // The generated table inherits Table privately; read it as a plain Table.
  const auto *root = flatbuffers::GetRoot<flatbuffers::Table>(data);
  if (!root->VerifyTableStart(verifier) ||
      !root->VerifyField<uint16_t>(verifier, fb::Plan::VT_MAJOR_VERSION, 2) ||
      !root->VerifyField<uint16_t>(verifier, fb::Plan::VT_MINOR_VERSION, 2) ||
      !root->VerifyField<uint32_t>(verifier, fb::Plan::VT_BYTE_SIZE, 4))
    return false;
  header.majorVersion = root->GetField<uint16_t>(fb::Plan::VT_MAJOR_VERSION, 0);
  header.minorVersion = root->GetField<uint16_t>(fb::Plan::VT_MINOR_VERSION, 0);
  header.byteSize = root->GetField<uint32_t>(fb::Plan::VT_BYTE_SIZE, 0);
  return true;
}

} // namespace

sgl::Expected<Plan> readPlan(std::string_view bytes) {
  if (bytes.empty())
    return makeError("not an sgl plan (the file is empty)");
  // The root offset and the file identifier.
  constexpr size_t kHeaderSize = 2 * sizeof(flatbuffers::uoffset_t);
  if (bytes.size() < kHeaderSize)
    return makeError("not an sgl plan (only " + std::to_string(bytes.size()) +
                     " bytes)");
  if (!fb::PlanBufferHasIdentifier(bytes.data()))
    return makeError("not an sgl plan (bad magic)");
  if (bytes.size() >= FLATBUFFERS_MAX_BUFFER_SIZE)
    return makeError("plan is too large (" + std::to_string(bytes.size()) +
                     " bytes)");

  // FlatBuffers reads scalars in place; give it an aligned copy when the
  // caller's bytes are not aligned for the widest scalar (uint64).
  std::vector<uint64_t> alignedCopy;
  const auto *data = reinterpret_cast<const uint8_t *>(bytes.data());
  if (reinterpret_cast<uintptr_t>(data) % alignof(uint64_t) != 0) {
    alignedCopy.resize((bytes.size() + 7) / 8);
    std::memcpy(alignedCopy.data(), bytes.data(), bytes.size());
    data = reinterpret_cast<const uint8_t *>(alignedCopy.data());
  }

  Header header;
  if (!readHeader(data, bytes.size(), header))
    return makeError(kCorrupt);
  if (sgl::Status status =
          verifyPlanVersion(header.majorVersion, header.minorVersion);
      !status)
    return status.error();
  if (header.byteSize == 0)
    return makeError(kCorrupt);
  if (bytes.size() < header.byteSize)
    return makeError("plan is truncated (" + std::to_string(bytes.size()) +
                     " of " + std::to_string(header.byteSize) +
                     " bytes); the file was not written completely");
  if (bytes.size() > header.byteSize)
    return makeError("plan has " +
                     std::to_string(bytes.size() - header.byteSize) +
                     " unexpected bytes after its end (" +
                     std::to_string(header.byteSize) + " bytes)");

  flatbuffers::Verifier::Options options;
  // Every table takes at least four bytes, and the writer shares none.
  options.max_tables =
      static_cast<flatbuffers::uoffset_t>(bytes.size() / 4 + 1);
  options.max_depth = kMaxTableDepth;
  flatbuffers::Verifier verifier(data, bytes.size(), options);
  if (!fb::VerifyPlanBuffer(verifier))
    return makeError(kCorrupt);

  const fb::Plan *root = fb::GetPlan(data);
  Decoder decoder(bytes.size());
  Plan plan;
  plan.majorVersion = header.majorVersion;
  plan.minorVersion = header.minorVersion;
  plan.producer = decoder.str(root->producer());
  if (const auto *programs = root->programs()) {
    plan.programs.reserve(programs->size());
    for (const fb::Program *p : *programs) {
      plan.programs.push_back(decoder.program(*p));
      if (decoder.overBudget())
        break;
    }
  }
  if (decoder.overBudget())
    return makeError(kCorrupt);

  if (sgl::Status status = verifyPlan(plan); !status)
    return status.error();
  return plan;
}

sgl::Expected<Plan> readPlanFile(const std::string &path) {
  sgl::Expected<std::string> bytes =
      sgl::readInputFile(path, {"plan", sgl::kPlanFileLimit},
                         /*allowStdin=*/true);
  if (!bytes)
    return bytes.error();
  sgl::Expected<Plan> plan = readPlan(*bytes);
  if (!plan)
    return makeError((path == "-" ? "<stdin>" : path) + ": " +
                     plan.error().message);
  return plan;
}

} // namespace sgl::runtime::plan
