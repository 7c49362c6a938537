//===- SafetensorsWriter.cpp - Writes safetensors files -------------------===//
#include "runtime/model/SafetensorsWriter.h"

#include <nlohmann/json.hpp>

#include <cassert>
#include <fstream>

namespace sgl::runtime {

void SafetensorsWriter::add(std::string name, DType dtype,
                            std::vector<int64_t> shape,
                            std::vector<uint8_t> bytes) {
  entries_.push_back(
      {std::move(name), dtype, std::move(shape), std::move(bytes)});
}

size_t SafetensorsWriter::dataBytes() const {
  size_t total = 0;
  for (const Entry &e : entries_)
    total += e.bytes.size();
  return total;
}

Status SafetensorsWriter::write(
    const std::string &path,
    const std::map<std::string, std::string> &metadata) const {
  nlohmann::json header = nlohmann::json::object();
  if (!metadata.empty())
    header["__metadata__"] = metadata;
  uint64_t offset = 0;
  for (const Entry &e : entries_) {
    header[e.name] = {{"dtype", std::string(dtypeName(e.dtype))},
                      {"shape", e.shape},
                      {"data_offsets", {offset, offset + e.bytes.size()}}};
    offset += e.bytes.size();
  }
  std::string text = header.dump();
  while ((8 + text.size()) % 8 != 0)
    text.push_back(' ');
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out)
    return makeError("cannot write '" + path + "'");
  uint64_t len = text.size();
  unsigned char lenBytes[8];
  for (int i = 0; i < 8; ++i)
    lenBytes[i] = static_cast<unsigned char>(len >> (8 * i));
  out.write(reinterpret_cast<const char *>(lenBytes), 8);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  for (const Entry &e : entries_)
    out.write(reinterpret_cast<const char *>(e.bytes.data()),
              static_cast<std::streamsize>(e.bytes.size()));
  out.close();
  if (!out)
    return makeError("error while writing '" + path + "'");
  return Status::ok();
}

} // namespace sgl::runtime
