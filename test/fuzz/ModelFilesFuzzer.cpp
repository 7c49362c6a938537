//===- ModelFilesFuzzer.cpp - Fuzz config.json and safetensors parsing ----===//
//
// Model folders come from users; any bytes in config.json or a safetensors
// file must give a model or an Error, never a crash or a read outside the
// mapping. The first input byte picks the target: even bytes go to the
// config parser, odd bytes to the safetensors reader (through a temporary
// file, since it memory-maps).
//
//===----------------------------------------------------------------------===//

#include "runtime/model/ModelConfig.h"
#include "runtime/model/Safetensors.h"

#include <cstdio>
#include <string>
#include <unistd.h>

using namespace sgl::runtime;

namespace {

/// Reads every byte of every tensor so a bad offset shows up under ASan.
unsigned touchTensors(const SafetensorsFile &file) {
  unsigned sum = 0;
  for (const auto &[name, tensor] : file.tensors())
    for (size_t i = 0; i < tensor.numBytes; ++i)
      sum += static_cast<const unsigned char *>(tensor.data)[i];
  return sum;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0)
    return 0;
  std::string_view body(reinterpret_cast<const char *>(data) + 1, size - 1);
  if (data[0] % 2 == 0) {
    (void)ModelConfig::parse(body, "config.json");
    return 0;
  }
  std::string path = "/tmp/sgl-fuzz-" + std::to_string(getpid()) + ".safetensors";
  if (FILE *out = std::fopen(path.c_str(), "wb")) {
    std::fwrite(body.data(), 1, body.size(), out);
    std::fclose(out);
  }
  if (auto file = SafetensorsFile::open(path))
    (void)touchTensors(**file);
  std::remove(path.c_str());
  return 0;
}
