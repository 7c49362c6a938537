//===- ModelFilesFuzzer.cpp - Fuzz config.json and safetensors parsing ----===//
//
// Model folders come from users; any bytes in config.json,
// generation_config.json or a safetensors file must give a model or an
// Error, never a crash, a read outside the mapping or an allocation sized by
// an unchecked number. The first input byte picks the target:
//
//   0x02      config.json, a NUL byte, then a safetensors header (JSON). The
//             header gets its 8-byte length, spaces that align the data and
//             a zero-filled data section as long as the largest number in
//             it (at most 1 MiB); then the pair goes through
//             LlamaModel::checkCheckpoint, the shape checks the loader runs
//             before it allocates anything
//   0x04      config.json, a NUL byte, then generation_config.json
//   even      config.json alone
//   odd       a whole safetensors file (through a temporary file, since it
//             memory-maps)
//
//===----------------------------------------------------------------------===//

#include "runtime/model/LlamaModel.h"
#include "runtime/model/ModelConfig.h"
#include "runtime/model/Safetensors.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <unistd.h>

using namespace sgl::runtime;

namespace {

constexpr size_t kMaxDataBytes = size_t(1) << 20;

/// Reads every byte of every tensor so a bad offset shows up under ASan.
unsigned touchTensors(const SafetensorsFile &file) {
  unsigned sum = 0;
  for (const auto &[name, tensor] : file.tensors())
    for (size_t i = 0; i < tensor.numBytes; ++i)
      sum += static_cast<const unsigned char *>(tensor.data)[i];
  return sum;
}

void writeFile(const std::string &path, std::string_view bytes) {
  if (FILE *out = std::fopen(path.c_str(), "wb")) {
    std::fwrite(bytes.data(), 1, bytes.size(), out);
    std::fclose(out);
  }
}

/// The largest decimal number in `header`, capped at kMaxDataBytes: enough
/// data for any data_offsets it names that the cap allows.
size_t dataBytesFor(std::string_view header) {
  size_t best = 0, value = 0;
  bool inNumber = false;
  for (char c : header) {
    if (c >= '0' && c <= '9') {
      value = inNumber ? value * 10 + size_t(c - '0') : size_t(c - '0');
      value = std::min(value, kMaxDataBytes);
      inNumber = true;
    } else {
      inNumber = false;
    }
    best = std::max(best, inNumber ? value : 0);
  }
  return best;
}

/// config.json + safetensors header through the loader's shape checks.
void checkPair(std::string_view config, std::string_view header) {
  auto parsed = ModelConfig::parse(config, "config.json");
  if (!parsed)
    return;
  std::filesystem::path dir = std::filesystem::temp_directory_path() /
                              ("sgl-fuzz-model-" + std::to_string(getpid()));
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  // Trailing spaces align the data section, so that mutated headers reach
  // the shape checks instead of stopping at alignment.
  std::string padded(header);
  padded.append((8 - padded.size() % 8) % 8, ' ');
  std::string file(8, '\0');
  for (int i = 0; i < 8; ++i)
    file[i] = static_cast<char>(uint64_t(padded.size()) >> (8 * i));
  file.append(padded);
  file.append(dataBytesFor(header), '\0');
  writeFile((dir / "model.safetensors").string(), file);
  if (auto checkpoint = Checkpoint::open(dir.string()))
    (void)LlamaModel::checkCheckpoint(*parsed, **checkpoint);
  std::filesystem::remove_all(dir, ec);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0)
    return 0;
  std::string_view body(reinterpret_cast<const char *>(data) + 1, size - 1);
  if (data[0] == 0x02 || data[0] == 0x04) {
    size_t nul = body.find('\0');
    std::string_view first = body.substr(0, nul);
    std::string_view second =
        nul == std::string_view::npos ? "" : body.substr(nul + 1);
    if (data[0] == 0x02) {
      checkPair(first, second);
    } else if (auto config = ModelConfig::parse(first, "config.json")) {
      (void)config->applyGenerationConfig(second, "generation_config.json");
    }
    return 0;
  }
  if (data[0] % 2 == 0) {
    (void)ModelConfig::parse(body, "config.json");
    return 0;
  }
  std::string path =
      "/tmp/sgl-fuzz-" + std::to_string(getpid()) + ".safetensors";
  writeFile(path, body);
  if (auto file = SafetensorsFile::open(path))
    (void)touchTensors(**file);
  std::remove(path.c_str());
  return 0;
}
