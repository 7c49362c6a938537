//===- PlanReaderTest.cpp - Rejecting bad plan files ----------------------===//
//
// Each way a file can be wrong gets its own message; truncated and mutated
// buffers must come back as an Error or a valid Plan, never a crash.
//
//===----------------------------------------------------------------------===//
#include "runtime/plan/PlanReader.h"
#include "runtime/plan/PlanVerifier.h"
#include "runtime/plan/PlanWriter.h"
#include "runtime/plan/Plan_generated.h"

#include "SamplePlans.h"

#include <gtest/gtest.h>

#include <random>

using namespace sgl::runtime::plan;
using namespace sgl::runtime::plan::test;

namespace {

std::string readError(std::string_view bytes) {
  sgl::Expected<Plan> plan = readPlan(bytes);
  if (plan)
    return "<no error>";
  return plan.error().message;
}

/// Finishes `fbb` as a plan of the current version holding `programs`, with
/// byte_size filled in as PlanWriter does.
std::string finishPlan(
    flatbuffers::FlatBufferBuilder &fbb,
    flatbuffers::Offset<flatbuffers::Vector<flatbuffers::Offset<fb::Program>>>
        programs) {
  fb::PlanBuilder root(fbb);
  root.add_major_version(kMajorVersion);
  root.add_minor_version(kMinorVersion);
  root.add_byte_size(~uint32_t{0});
  root.add_programs(programs);
  fb::FinishPlanBuffer(fbb, root.Finish());
  bool patched =
      flatbuffers::GetMutableRoot<flatbuffers::Table>(fbb.GetBufferPointer())
          ->SetField<uint32_t>(fb::Plan::VT_BYTE_SIZE, fbb.GetSize());
  EXPECT_TRUE(patched);
  return std::string(reinterpret_cast<const char *>(fbb.GetBufferPointer()),
                     fbb.GetSize());
}

TEST(PlanReader, EmptyInput) {
  EXPECT_EQ(readError(""), "not an sgl plan (the file is empty)");
}

TEST(PlanReader, TooShortInput) {
  EXPECT_EQ(readError("abc"), "not an sgl plan (only 3 bytes)");
}

TEST(PlanReader, BadMagic) {
  std::string bytes = serializePlan(smallPlan());
  bytes[4] = 'X';
  EXPECT_EQ(readError(bytes), "not an sgl plan (bad magic)");
  EXPECT_EQ(readError("{\"format\": \"sgl-plan\"}"),
            "not an sgl plan (bad magic)");
}

TEST(PlanReader, WrongMajorVersion) {
  Plan plan = smallPlan();
  plan.majorVersion = 3;
  plan.minorVersion = 0;
  EXPECT_EQ(
      readError(serializePlan(plan)),
      "plan format version 3.0 is not supported: the plan was written "
      "in format 3.0 by a newer sglc; this runtime reads format 2.0 to 2.2 "
      "(recompile it with this sglc, or use a newer sglrun)");
  plan.majorVersion = 0;
  plan.minorVersion = 4;
  EXPECT_EQ(readError(serializePlan(plan)),
            "plan format version 0.4 is not supported: the plan was written "
            "in format 0.x by an older sglc; recompile it with this sglc "
            "(this runtime reads format 2.0 to 2.2)");
}

TEST(PlanReader, NewerMinorVersion) {
  Plan plan = smallPlan();
  plan.minorVersion = kMinorVersion + 1;
  EXPECT_EQ(
      readError(serializePlan(plan)),
      "plan format version 2." + std::to_string(kMinorVersion + 1) +
          " is not supported: the plan was written in format 2." +
          std::to_string(kMinorVersion + 1) +
          " by a newer sglc; this runtime reads format 2.0 to 2.2 (recompile "
          "it with this sglc, or use a newer sglrun)");
}

TEST(PlanReader, OlderMinorVersionIsRead) {
  // A 2.0 plan has none of 2.1's fields; this runtime reads it as it is.
  Plan plan = smallPlan();
  plan.minorVersion = 0;
  sgl::Expected<Plan> back = readPlan(serializePlan(plan));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->minorVersion, 0u);
  EXPECT_EQ(*back, plan);
}

/// A plan in the layout of format 1.1, as an older sglc wrote it: the root
/// table's version fields and byte_size where format 2 has them, then a
/// producer and programs whose steps are a flat vector (field 3 of a v1
/// program), which format 2 reads as something else entirely.
std::string formatOnePlan() {
  flatbuffers::FlatBufferBuilder fbb;
  auto text = fbb.CreateString("Hello, ");
  auto stepStart = fbb.StartTable();
  fbb.AddElement<uint8_t>(4, 0, 255); // kind: Text
  fbb.AddOffset(6, text);             // text
  auto step = flatbuffers::Offset<void>(fbb.EndTable(stepStart));
  auto steps = fbb.CreateVector(std::vector<flatbuffers::Offset<void>>{step});
  auto argName = fbb.CreateString("name");
  auto args = fbb.CreateVector(
      std::vector<flatbuffers::Offset<flatbuffers::String>>{argName});
  auto name = fbb.CreateString("greet");
  auto programStart = fbb.StartTable();
  fbb.AddOffset(4, name);            // name
  fbb.AddOffset(6, args);            // args: [string]
  fbb.AddElement<uint32_t>(8, 1, 0); // num_slots
  fbb.AddOffset(10, steps);          // steps: [Step]
  auto program = flatbuffers::Offset<void>(fbb.EndTable(programStart));
  auto programs =
      fbb.CreateVector(std::vector<flatbuffers::Offset<void>>{program});
  auto producer = fbb.CreateString("sglc 0.1");
  auto rootStart = fbb.StartTable();
  fbb.AddElement<uint16_t>(fb::Plan::VT_MAJOR_VERSION, 1, 0);
  fbb.AddElement<uint16_t>(fb::Plan::VT_MINOR_VERSION, 1, 0);
  fbb.AddElement<uint32_t>(fb::Plan::VT_BYTE_SIZE, ~uint32_t{0}, 0);
  fbb.AddOffset(fb::Plan::VT_PRODUCER, producer);
  fbb.AddOffset(fb::Plan::VT_PROGRAMS, programs);
  auto root = flatbuffers::Offset<fb::Plan>(fbb.EndTable(rootStart));
  fb::FinishPlanBuffer(fbb, root);
  EXPECT_TRUE(
      flatbuffers::GetMutableRoot<flatbuffers::Table>(fbb.GetBufferPointer())
          ->SetField<uint32_t>(fb::Plan::VT_BYTE_SIZE, fbb.GetSize()));
  return std::string(reinterpret_cast<const char *>(fbb.GetBufferPointer()),
                     fbb.GetSize());
}

TEST(PlanReader, AFormatOnePlanMustBeRecompiled) {
  const std::string bytes = formatOnePlan();
  EXPECT_EQ(bytes.substr(4, 4), "SGLP");
  EXPECT_EQ(readError(bytes),
            "plan format version 1.1 is not supported: the plan was written "
            "in format 1.x by an older sglc; recompile it with this sglc "
            "(this runtime reads format 2.0 to 2.2)");
  // Whatever follows the header: a format 1.0 plan cut short says the same.
  std::string truncated = bytes.substr(0, bytes.size() - 8);
  flatbuffers::GetMutableRoot<flatbuffers::Table>(truncated.data())
      ->SetField<uint16_t>(fb::Plan::VT_MINOR_VERSION, 0);
  EXPECT_EQ(readError(truncated),
            "plan format version 1.0 is not supported: the plan was written "
            "in format 1.x by an older sglc; recompile it with this sglc "
            "(this runtime reads format 2.0 to 2.2)");
}

TEST(PlanReader, VersionIsCheckedBeforeStructure) {
  // A plan from a future major version whose body this reader cannot
  // verify: the user must hear about the version, not about corruption.
  Plan plan = fullPlan();
  plan.majorVersion = 3;
  plan.minorVersion = 0;
  std::string bytes = serializePlan(plan);
  bytes.resize(bytes.size() - 16);
  EXPECT_EQ(
      readError(bytes),
      "plan format version 3.0 is not supported: the plan was written "
      "in format 3.0 by a newer sglc; this runtime reads format 2.0 to 2.2 "
      "(recompile it with this sglc, or use a newer sglrun)");
  // The same truncation of a current-version plan is reported as such.
  std::string current = serializePlan(fullPlan());
  size_t size = current.size();
  current.resize(size - 16);
  EXPECT_EQ(readError(current),
            "plan is truncated (" + std::to_string(size - 16) + " of " +
                std::to_string(size) +
                " bytes); the file was not written completely");
}

TEST(PlanReader, TrailingBytes) {
  std::string bytes = serializePlan(smallPlan()) + "junk";
  EXPECT_EQ(readError(bytes), "plan has 4 unexpected bytes after its end (" +
                                  std::to_string(bytes.size() - 4) + " bytes)");
}

TEST(PlanReader, EveryTruncationIsAnError) {
  std::string bytes = serializePlan(fullPlan());
  ASSERT_TRUE(readPlan(bytes));
  for (size_t n = 0; n < bytes.size(); ++n) {
    sgl::Expected<Plan> plan = readPlan(std::string_view(bytes).substr(0, n));
    EXPECT_FALSE(plan) << "truncated to " << n << " of " << bytes.size()
                       << " bytes was accepted";
    if (!plan) {
      EXPECT_FALSE(plan.error().message.empty());
      EXPECT_EQ(plan.error().message.find('\n'), std::string::npos);
    }
  }
}

TEST(PlanReader, MissingByteSize) {
  flatbuffers::FlatBufferBuilder fbb;
  fb::FinishPlanBuffer(fbb, fb::CreatePlan(fbb, kMajorVersion, kMinorVersion));
  std::string bytes(reinterpret_cast<const char *>(fbb.GetBufferPointer()),
                    fbb.GetSize());
  EXPECT_EQ(readError(bytes),
            "plan is truncated or corrupt (structure check failed); "
            "recompile it with sglc");
}

TEST(PlanReader, RootOffsetOutOfBounds) {
  std::string bytes = serializePlan(smallPlan());
  bytes[0] = '\xff';
  bytes[1] = '\xff';
  EXPECT_EQ(readError(bytes),
            "plan is truncated or corrupt (structure check failed); "
            "recompile it with sglc");
}

TEST(PlanReader, RandomByteFlipsNeverCrash) {
  const std::string bytes = serializePlan(fullPlan());
  std::mt19937 rng(20240611);
  std::uniform_int_distribution<size_t> pos(0, bytes.size() - 1);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> count(1, 4);
  int accepted = 0, rejected = 0;
  for (int i = 0; i < 2000; ++i) {
    std::string mutated = bytes;
    for (int k = count(rng); k > 0; --k)
      mutated[pos(rng)] = static_cast<char>(byte(rng));
    sgl::Expected<Plan> plan = readPlan(mutated);
    if (!plan) {
      ++rejected;
      EXPECT_FALSE(plan.error().message.empty());
      continue;
    }
    ++accepted;
    // Whatever is accepted satisfies every rule and is stable under a
    // second round trip.
    EXPECT_TRUE(verifyPlan(*plan));
    sgl::Expected<Plan> again = readPlan(serializePlan(*plan));
    ASSERT_TRUE(again) << again.error().message;
    EXPECT_EQ(*again, *plan);
  }
  EXPECT_EQ(accepted + rejected, 2000);
  // Mutations of a 1 KB plan hit both harmless bytes (text, padding) and
  // structure; if either count is zero the reader is not checking.
  EXPECT_GT(rejected, 100);
  EXPECT_GT(accepted, 10);
}

TEST(PlanReader, UnknownStepKindIsRejected) {
  Plan plan = smallPlan();
  plan.programs[0].body.steps[0].kind = static_cast<Step::Kind>(12);
  std::string message = readError(serializePlan(plan));
  EXPECT_EQ(message, "program 'greet', step 0: unknown step kind 12");
}

TEST(PlanReader, SemanticErrorsAreReported) {
  Plan plan = smallPlan();
  plan.programs.push_back(plan.programs[0]);
  EXPECT_NE(readError(serializePlan(plan)).find("duplicate program name"),
            std::string::npos);
}

TEST(PlanReader, SharedStringAmplificationIsRejected) {
  // 2000 text steps that all point at one 2 KB string: a 30 KB file that
  // would decode to 4 MB. PlanWriter never shares strings.
  flatbuffers::FlatBufferBuilder fbb;
  auto big = fbb.CreateSharedString(std::string(2048, 'a'));
  std::vector<flatbuffers::Offset<fb::Step>> steps;
  for (uint32_t i = 0; i < 2000; ++i)
    steps.push_back(fb::CreateStep(fbb, fb::StepKind_Text, big, 0,
                                   fb::Role_User, 0, 0, 0, 0, 0, 0, i));
  auto body = fb::CreateBlock(fbb, fbb.CreateVector(steps));
  auto program =
      fb::CreateProgram(fbb, fbb.CreateString("p"), 0, 0, 0, body, 0, 2000);
  std::vector<flatbuffers::Offset<fb::Program>> programs{program};
  std::string bytes = finishPlan(fbb, fbb.CreateVector(programs));
  ASSERT_LT(bytes.size(), 64000u);
  // The buffer itself is well formed: the FlatBuffers verifier accepts it.
  flatbuffers::Verifier verifier(fbb.GetBufferPointer(), fbb.GetSize());
  ASSERT_TRUE(fb::VerifyPlanBuffer(verifier));
  EXPECT_EQ(readError(bytes),
            "plan is truncated or corrupt (structure check failed); "
            "recompile it with sglc");
}

TEST(PlanReader, NestedTableSharingIsRejected) {
  // 200 program entries that all point at one program whose 200 steps all
  // point at one step table: a 2 KB file that would decode to 40000 steps.
  // PlanWriter never shares tables, so the reader allows one table visit
  // per four bytes of input, which keeps decoding linear in the file size.
  auto build = [](size_t fanOut) {
    flatbuffers::FlatBufferBuilder fbb;
    auto step = fb::CreateStep(fbb, fb::StepKind_Text);
    std::vector<flatbuffers::Offset<fb::Step>> steps(fanOut, step);
    auto body = fb::CreateBlock(fbb, fbb.CreateVector(steps));
    auto program =
        fb::CreateProgram(fbb, fbb.CreateString("p"), 0, 0, 0, body, 0, 1);
    std::vector<flatbuffers::Offset<fb::Program>> programs(fanOut, program);
    return finishPlan(fbb, fbb.CreateVector(programs));
  };
  std::string bytes = build(200);
  ASSERT_LT(bytes.size(), 2000u);
  EXPECT_EQ(readError(bytes),
            "plan is truncated or corrupt (structure check failed); "
            "recompile it with sglc");
  // With a fan-out of 1 the same shape is a valid plan.
  sgl::Expected<Plan> plan = readPlan(build(1));
  ASSERT_TRUE(plan) << plan.error().message;
  ASSERT_EQ(plan->programs.size(), 1u);
  EXPECT_EQ(plan->programs[0].body.steps.size(), 1u);
}

/// `depth` nested negations of 1, built bottom-up without recursion.
flatbuffers::Offset<fb::Expr> deepExpr(flatbuffers::FlatBufferBuilder &fbb,
                                       uint32_t depth) {
  auto literal = fb::CreateLiteral(fbb, fb::ValueKind_Int, 0, 1);
  auto expr = fb::CreateExpr(fbb, fb::ExprKind_Literal, literal);
  for (uint32_t i = 1; i < depth; ++i)
    expr = fb::CreateExpr(
        fbb, fb::ExprKind_Neg, 0, 0,
        fbb.CreateVector(std::vector<flatbuffers::Offset<fb::Expr>>{expr}));
  return expr;
}

/// A program whose one step appends deepExpr(exprDepth) inside `ifDepth`
/// nested ifs, built bottom-up.
std::string deepPlan(uint32_t ifDepth, uint32_t exprDepth) {
  flatbuffers::FlatBufferBuilder fbb;
  auto append = fb::CreateStep(fbb, fb::StepKind_Append, 0, 0, fb::Role_User, 0,
                               0, deepExpr(fbb, exprDepth), 0, 0, 0, ifDepth);
  auto block = fb::CreateBlock(
      fbb,
      fbb.CreateVector(std::vector<flatbuffers::Offset<fb::Step>>{append}));
  for (uint32_t i = ifDepth; i > 0; --i) {
    auto cond = fb::CreateExpr(
        fbb, fb::ExprKind_Literal,
        fb::CreateLiteral(fbb, fb::ValueKind_Bool, 0, 0, 0, true));
    auto empty = fb::CreateBlock(fbb);
    auto step = fb::CreateStep(
        fbb, fb::StepKind_If, 0, 0, fb::Role_User, 0, 0, cond, 0,
        fbb.CreateVector(
            std::vector<flatbuffers::Offset<fb::Block>>{block, empty}),
        0, i - 1);
    block = fb::CreateBlock(
        fbb,
        fbb.CreateVector(std::vector<flatbuffers::Offset<fb::Step>>{step}));
  }
  auto program = fb::CreateProgram(fbb, fbb.CreateString("deep"), 0, 0, 0,
                                   block, 0, ifDepth + 1);
  return finishPlan(
      fbb,
      fbb.CreateVector(std::vector<flatbuffers::Offset<fb::Program>>{program}));
}

TEST(PlanReader, NestingWithinTheLimitsIsRead) {
  sgl::Expected<Plan> plan = readPlan(deepPlan(kMaxBlockDepth, kMaxExprDepth));
  ASSERT_TRUE(plan) << plan.error().message;
  EXPECT_EQ(plan->programs[0].numSites, kMaxBlockDepth + 1);
}

TEST(PlanReader, NestingBeyondTheLimitsIsRefused) {
  std::string blocks = readError(deepPlan(kMaxBlockDepth + 1, 1));
  EXPECT_NE(blocks.find(": blocks nest deeper than 256 levels"),
            std::string::npos)
      << blocks;
  EXPECT_EQ(blocks.rfind("program 'deep', step 0/then/0/then/0/", 0), 0u)
      << blocks;
  std::string exprs = readError(deepPlan(0, kMaxExprDepth + 1));
  EXPECT_EQ(exprs, "program 'deep', step 0: expressions nest deeper than 256 "
                   "levels");
  // Far deeper nesting stops at the structure check, before any recursion
  // could exhaust the stack.
  const std::string corrupt = "plan is truncated or corrupt (structure check "
                              "failed); recompile it with sglc";
  EXPECT_EQ(readError(deepPlan(0, 200000)), corrupt);
  EXPECT_EQ(readError(deepPlan(100000, 1)), corrupt);
}

TEST(PlanReader, MissingFile) {
  sgl::Expected<Plan> plan = readPlanFile("/nonexistent/sgl/plan.sglp");
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().message, "/nonexistent/sgl/plan.sglp: cannot open: "
                                  "No such file or directory");
}

TEST(PlanReader, DirectoryIsNotAPlan) {
  std::string dir = ::testing::TempDir();
  sgl::Expected<Plan> plan = readPlanFile(dir);
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().message, dir + ": is a directory, not a plan");
}

TEST(PlanReader, DeviceIsNotAPlan) {
  // /dev/zero never ends: it must be refused before anything is read.
  sgl::Expected<Plan> plan = readPlanFile("/dev/zero");
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().message,
            "/dev/zero: is a character device, not a plan");
}

} // namespace
