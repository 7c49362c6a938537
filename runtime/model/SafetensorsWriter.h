//===- SafetensorsWriter.h - Writes safetensors files -----------*- C++ -*-===//
//
// Collects named tensors and writes them as one `.safetensors` file: header
// keys sorted, data in the order tensors were added, header padded with
// spaces so the data section starts 8-byte aligned. Same input, same bytes.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_MODEL_SAFETENSORSWRITER_H
#define SGL_RUNTIME_MODEL_SAFETENSORSWRITER_H

#include "runtime/model/Safetensors.h"
#include "runtime/support/Expected.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace sgl::runtime {

class SafetensorsWriter {
public:
  /// Adds a tensor; `bytes` must hold numel(shape) * dtypeSize(dtype) bytes.
  void add(std::string name, DType dtype, std::vector<int64_t> shape,
           std::vector<uint8_t> bytes);
  /// Writes everything added so far to `path`.
  Status write(const std::string &path,
               const std::map<std::string, std::string> &metadata = {}) const;
  /// Total bytes of tensor data added.
  size_t dataBytes() const;

private:
  struct Entry {
    std::string name;
    DType dtype;
    std::vector<int64_t> shape;
    std::vector<uint8_t> bytes;
  };
  std::vector<Entry> entries_;
};

} // namespace sgl::runtime

#endif // SGL_RUNTIME_MODEL_SAFETENSORSWRITER_H
