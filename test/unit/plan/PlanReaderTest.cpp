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
  plan.majorVersion = 2;
  EXPECT_EQ(readError(serializePlan(plan)),
            "plan format version 2.1 is not supported by this runtime "
            "(supports 1.1)");
  plan.majorVersion = 0;
  EXPECT_EQ(readError(serializePlan(plan)),
            "plan format version 0.1 is not supported by this runtime "
            "(supports 1.1)");
}

TEST(PlanReader, NewerMinorVersion) {
  Plan plan = smallPlan();
  plan.minorVersion = kMinorVersion + 1;
  EXPECT_EQ(readError(serializePlan(plan)),
            "plan format version 1." + std::to_string(kMinorVersion + 1) +
                " is not supported by this runtime (supports 1.1)");
}

TEST(PlanReader, VersionIsCheckedBeforeStructure) {
  // A plan from a future major version whose body this reader cannot
  // verify: the user must hear about the version, not about corruption.
  Plan plan = fullPlan();
  plan.majorVersion = 3;
  std::string bytes = serializePlan(plan);
  bytes.resize(bytes.size() - 16);
  EXPECT_EQ(readError(bytes),
            "plan format version 3.1 is not supported by this runtime "
            "(supports 1.1)");
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
  plan.programs[0].steps[0].kind = static_cast<Step::Kind>(9);
  std::string message = readError(serializePlan(plan));
  EXPECT_EQ(message, "program 'greet', step 0: unknown step kind 9");
}

TEST(PlanReader, SemanticErrorsAreReported) {
  Plan plan = smallPlan();
  plan.programs.push_back(plan.programs[0]);
  EXPECT_NE(readError(serializePlan(plan)).find("duplicate program name"),
            std::string::npos);
}

TEST(PlanReader, SharedStringAmplificationIsRejected) {
  // 2000 argument names that all point at one 2 KB string: a 10 KB file
  // that would decode to 4 MB. PlanWriter never shares strings.
  flatbuffers::FlatBufferBuilder fbb;
  auto big = fbb.CreateSharedString(std::string(2048, 'a'));
  std::vector<flatbuffers::Offset<flatbuffers::String>> args(2000, big);
  auto program = fb::CreateProgram(fbb, fbb.CreateString("p"),
                                   fbb.CreateVector(args), 2000);
  std::vector<flatbuffers::Offset<fb::Program>> programs{program};
  std::string bytes = finishPlan(fbb, fbb.CreateVector(programs));
  ASSERT_LT(bytes.size(), 16000u);
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
    auto program = fb::CreateProgram(fbb, fbb.CreateString("p"), 0, 0,
                                     fbb.CreateVector(steps));
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
  EXPECT_EQ(plan->programs[0].steps.size(), 1u);
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
