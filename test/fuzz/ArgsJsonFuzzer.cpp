//===- ArgsJsonFuzzer.cpp - Fuzz the --args JSON reader -------------------===//
//
// Program arguments arrive as JSON from the command line (and later from
// batch files and HTTP requests). Any bytes must give arguments or an Error;
// what is accepted must survive a round trip: written back as a JSON object
// and read again, it gives the same names and values (of the same kinds) in
// the same order.
//
//===----------------------------------------------------------------------===//

#include "runtime/engine/ProgramArgs.h"

#include <nlohmann/json.hpp>

#include <cstdlib>

using namespace sgl::runtime;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view text(reinterpret_cast<const char *>(data), size);
  sgl::Expected<ProgramArgs> args = parseProgramArgsJson(text);
  if (!args)
    return 0;
  nlohmann::ordered_json object = nlohmann::ordered_json::object();
  for (const auto &[name, value] : *args)
    object[name] = toJson(value);
  if (object.size() != args->size())
    std::abort(); // a name was given twice, yet accepted
  // The reader accepts only valid UTF-8, so a strict dump cannot throw.
  sgl::Expected<ProgramArgs> again = parseProgramArgsJson(object.dump());
  if (!again || *again != *args)
    std::abort();
  return 0;
}
