//===- PlanReaderFuzzer.cpp - libFuzzer target for the plan reader --------===//
//
// Feeds arbitrary bytes to readPlan. Any input must yield a Plan that passes
// verifyPlan and survives a write/read round trip unchanged, or an Error;
// never a crash, hang, sanitizer report or unbounded allocation.
// Seeds: test/fuzz/corpus/plan/.
//
//===----------------------------------------------------------------------===//
#include "runtime/plan/PlanJson.h"
#include "runtime/plan/PlanReader.h"
#include "runtime/plan/PlanVerifier.h"
#include "runtime/plan/PlanWriter.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

using namespace sgl::runtime::plan;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  sgl::Expected<Plan> plan =
      readPlan(std::string_view(reinterpret_cast<const char *>(data), size));
  if (!plan)
    return 0;
  // Whatever the reader accepts is valid, renders, and round-trips.
  if (!verifyPlan(*plan))
    std::abort();
  (void)planToJson(*plan);
  sgl::Expected<Plan> again = readPlan(serializePlan(*plan));
  if (!again || !(*again == *plan))
    std::abort();
  return 0;
}
