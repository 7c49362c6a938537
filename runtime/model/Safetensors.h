//===- Safetensors.h - Memory-mapped safetensors checkpoints ----*- C++ -*-===//
//
// A `.safetensors` file is an 8-byte little-endian header length, a JSON
// header {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__":
// {...}}, then the raw tensor bytes. `SafetensorsFile` maps one file and
// checks every entry; `Checkpoint` opens a model directory (one file, or
// shards listed by `model.safetensors.index.json`) and finds tensors by name.
// Tensors stay mapped in their stored dtype; nothing is copied.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_MODEL_SAFETENSORS_H
#define SGL_RUNTIME_MODEL_SAFETENSORS_H

#include "runtime/support/Expected.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sgl::runtime {

/// Element types named by the safetensors format.
enum class DType {
  F64,
  F32,
  F16,
  BF16,
  I64,
  I32,
  I16,
  I8,
  U8,
  Bool,
  F8E4M3,
  F8E5M2
};

/// Size of one element in bytes.
size_t dtypeSize(DType dtype);
/// The format's spelling ("F32", "BF16", ...).
std::string_view dtypeName(DType dtype);
/// Parses a format spelling; false for names the format does not define.
bool parseDType(std::string_view name, DType &out);

/// One tensor inside a mapped file.
struct TensorRef {
  std::string name;
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  const void *data = nullptr; // points into the mapping
  size_t numBytes = 0;

  int64_t numElements() const;
  /// "[4096, 128]"
  std::string shapeString() const;
};

/// A read-only memory mapping of one safetensors file.
class SafetensorsFile {
public:
  /// Maps and validates `path`. Errors name the file (and the tensor).
  static Expected<std::unique_ptr<SafetensorsFile>>
  open(const std::string &path);
  ~SafetensorsFile();
  SafetensorsFile(const SafetensorsFile &) = delete;
  SafetensorsFile &operator=(const SafetensorsFile &) = delete;

  const std::string &path() const { return path_; }
  /// nullptr when the file holds no tensor of that name.
  const TensorRef *find(std::string_view name) const;
  const std::map<std::string, TensorRef, std::less<>> &tensors() const {
    return tensors_;
  }
  const std::map<std::string, std::string> &metadata() const {
    return metadata_;
  }

private:
  SafetensorsFile() = default;

  std::string path_;
  void *mapping_ = nullptr;
  size_t mappingSize_ = 0;
  std::map<std::string, TensorRef, std::less<>> tensors_;
  std::map<std::string, std::string> metadata_;
};

/// All tensors of a model directory, possibly spread over shards.
class Checkpoint {
public:
  /// Opens `dir/model.safetensors.index.json` if present (every shard in its
  /// weight_map), else `dir/model.safetensors`.
  static Expected<std::unique_ptr<Checkpoint>> open(const std::string &dir);

  /// nullptr when no shard holds the tensor.
  const TensorRef *find(std::string_view name) const;
  /// Every tensor name, sorted.
  std::vector<std::string> names() const;
  size_t numShards() const { return files_.size(); }

private:
  std::vector<std::unique_ptr<SafetensorsFile>> files_;
  std::map<std::string, const TensorRef *, std::less<>> index_;
};

} // namespace sgl::runtime

#endif // SGL_RUNTIME_MODEL_SAFETENSORS_H
