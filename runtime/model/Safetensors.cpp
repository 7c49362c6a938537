//===- Safetensors.cpp - Memory-mapped safetensors checkpoints ------------===//
#include "runtime/model/Safetensors.h"

#include "runtime/support/InputFile.h"
#include "runtime/support/JsonText.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace sgl::runtime {

namespace {

struct DTypeInfo {
  DType dtype;
  std::string_view name;
  size_t size;
};

constexpr DTypeInfo kDTypes[] = {
    {DType::F64, "F64", 8},        {DType::F32, "F32", 4},
    {DType::F16, "F16", 2},        {DType::BF16, "BF16", 2},
    {DType::I64, "I64", 8},        {DType::I32, "I32", 4},
    {DType::I16, "I16", 2},        {DType::I8, "I8", 1},
    {DType::U8, "U8", 1},          {DType::Bool, "BOOL", 1},
    {DType::F8E4M3, "F8_E4M3", 1}, {DType::F8E5M2, "F8_E5M2", 1},
};

const DTypeInfo &info(DType dtype) {
  for (const DTypeInfo &i : kDTypes)
    if (i.dtype == dtype)
      return i;
  return kDTypes[1];
}

Error fileError(const std::string &path, const std::string &what) {
  return makeError("safetensors file '" + path + "': " + what);
}

Error tensorError(const std::string &path, const std::string &tensor,
                  const std::string &what) {
  return makeError("safetensors file '" + path + "': tensor '" + tensor +
                   "': " + what);
}

/// Reads one header entry into `out`, checking it against the data section.
Status parseEntry(const std::string &path, const std::string &name,
                  const nlohmann::json &entry, size_t dataSize, TensorRef &out,
                  size_t &begin, size_t &end) {
  if (!entry.is_object())
    return tensorError(path, name, "header entry is not a JSON object");
  auto dtypeIt = entry.find("dtype");
  if (dtypeIt == entry.end() || !dtypeIt->is_string())
    return tensorError(path, name, "missing string field 'dtype'");
  std::string dtypeStr = dtypeIt->get<std::string>();
  if (!parseDType(dtypeStr, out.dtype))
    return tensorError(path, name, "unknown dtype '" + dtypeStr + "'");
  auto shapeIt = entry.find("shape");
  if (shapeIt == entry.end() || !shapeIt->is_array())
    return tensorError(path, name, "missing array field 'shape'");
  uint64_t numel = 1;
  for (const nlohmann::json &dim : *shapeIt) {
    if (!dim.is_number_unsigned())
      return tensorError(path, name,
                         "shape entries must be non-negative integers");
    uint64_t d = dim.get<uint64_t>();
    if (d != 0 && numel > (uint64_t(1) << 62) / d)
      return tensorError(path, name, "shape is too large");
    numel *= d;
    out.shape.push_back(static_cast<int64_t>(d));
  }
  auto offIt = entry.find("data_offsets");
  if (offIt == entry.end() || !offIt->is_array() || offIt->size() != 2 ||
      !(*offIt)[0].is_number_unsigned() || !(*offIt)[1].is_number_unsigned())
    return tensorError(path, name,
                       "'data_offsets' must be two non-negative integers");
  uint64_t b = (*offIt)[0].get<uint64_t>(), e = (*offIt)[1].get<uint64_t>();
  if (e < b)
    return tensorError(path, name,
                       "data_offsets [" + std::to_string(b) + ", " +
                           std::to_string(e) + ") end before they begin");
  uint64_t expected = numel * dtypeSize(out.dtype);
  if (e - b != expected)
    return tensorError(
        path, name,
        "data_offsets [" + std::to_string(b) + ", " + std::to_string(e) +
            ") hold " + std::to_string(e - b) + " bytes but shape " +
            out.shapeString() + " of " + std::string(dtypeName(out.dtype)) +
            " needs " + std::to_string(expected));
  if (e > dataSize)
    return tensorError(path, name,
                       "data_offsets [" + std::to_string(b) + ", " +
                           std::to_string(e) +
                           ") run past the end of the data section (" +
                           std::to_string(dataSize) +
                           " bytes); the file is truncated or corrupt");
  begin = b;
  end = e;
  out.numBytes = e - b;
  return Status::ok();
}

} // namespace

size_t dtypeSize(DType dtype) { return info(dtype).size; }
std::string_view dtypeName(DType dtype) { return info(dtype).name; }

bool parseDType(std::string_view name, DType &out) {
  for (const DTypeInfo &i : kDTypes)
    if (i.name == name) {
      out = i.dtype;
      return true;
    }
  return false;
}

int64_t TensorRef::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

std::string TensorRef::shapeString() const {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i)
      s += ", ";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

Expected<std::unique_ptr<SafetensorsFile>>
SafetensorsFile::open(const std::string &path) {
  std::unique_ptr<SafetensorsFile> file(new SafetensorsFile());
  file->path_ = path;
  // O_NONBLOCK: opening a FIFO must not wait for a writer.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0)
    return fileError(path, std::string("cannot open: ") + std::strerror(errno));
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return fileError(path, std::string("cannot stat: ") + std::strerror(err));
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return fileError(path, "not a regular file; a safetensors file is mapped "
                           "into memory and must be one");
  }
  size_t fileSize = static_cast<size_t>(st.st_size);
  if (fileSize < 8) {
    ::close(fd);
    return fileError(path, "file is " + std::to_string(fileSize) +
                               " bytes, too small for the 8-byte header "
                               "length; the file is truncated");
  }
  void *map = ::mmap(nullptr, fileSize, PROT_READ, MAP_PRIVATE, fd, 0);
  int mapErr = errno;
  ::close(fd);
  if (map == MAP_FAILED)
    return fileError(path,
                     std::string("cannot mmap: ") + std::strerror(mapErr));
  file->mapping_ = map;
  file->mappingSize_ = fileSize;

  const unsigned char *bytes = static_cast<const unsigned char *>(map);
  uint64_t headerLen = 0;
  for (int i = 7; i >= 0; --i)
    headerLen = (headerLen << 8) | bytes[i];
  if (headerLen > fileSize - 8)
    return fileError(path, "header length " + std::to_string(headerLen) +
                               " exceeds the file size (" +
                               std::to_string(fileSize) +
                               " bytes); the file is truncated or not a "
                               "safetensors file");
  const char *headerBegin = reinterpret_cast<const char *>(bytes + 8);
  Expected<nlohmann::json> parsed = parseJsonObject(
      std::string_view(headerBegin, static_cast<size_t>(headerLen)), "header");
  if (!parsed)
    return fileError(path, parsed.error().message);
  const nlohmann::json &header = *parsed;

  const size_t dataStart = 8 + headerLen;
  const size_t dataSize = fileSize - dataStart;
  struct Span {
    size_t begin, end;
    const std::string *name;
  };
  std::vector<Span> spans;
  for (auto it = header.begin(); it != header.end(); ++it) {
    if (it.key() == "__metadata__") {
      if (!it->is_object())
        return fileError(path, "__metadata__ is not a JSON object");
      for (auto m = it->begin(); m != it->end(); ++m)
        file->metadata_[m.key()] =
            m->is_string() ? m->get<std::string>() : m->dump();
      continue;
    }
    TensorRef ref;
    ref.name = it.key();
    size_t begin = 0, end = 0;
    if (Status s = parseEntry(path, ref.name, *it, dataSize, ref, begin, end);
        !s)
      return s.error();
    if ((dataStart + begin) % dtypeSize(ref.dtype) != 0)
      return tensorError(path, ref.name,
                         "data is not aligned to its " +
                             std::to_string(dtypeSize(ref.dtype)) +
                             "-byte element size");
    ref.data = bytes + dataStart + begin;
    auto [slot, inserted] = file->tensors_.emplace(ref.name, std::move(ref));
    spans.push_back({begin, end, &slot->first});
  }
  std::sort(spans.begin(), spans.end(), [](const Span &a, const Span &b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  for (size_t i = 1; i < spans.size(); ++i)
    if (spans[i].begin < spans[i - 1].end)
      return fileError(path, "tensors '" + *spans[i - 1].name + "' and '" +
                                 *spans[i].name + "' have overlapping data");
  return file;
}

SafetensorsFile::~SafetensorsFile() {
  if (mapping_)
    ::munmap(mapping_, mappingSize_);
}

const TensorRef *SafetensorsFile::find(std::string_view name) const {
  auto it = tensors_.find(name);
  return it == tensors_.end() ? nullptr : &it->second;
}

Expected<std::unique_ptr<Checkpoint>> Checkpoint::open(const std::string &dir) {
  namespace fs = std::filesystem;
  auto checkpoint = std::make_unique<Checkpoint>();
  fs::path indexPath = fs::path(dir) / "model.safetensors.index.json";
  fs::path singlePath = fs::path(dir) / "model.safetensors";
  std::error_code ec;
  if (!fs::exists(indexPath, ec)) {
    if (!fs::exists(singlePath, ec))
      return makeError("model directory '" + dir +
                       "' has neither model.safetensors nor "
                       "model.safetensors.index.json");
    auto file = SafetensorsFile::open(singlePath.string());
    if (!file)
      return file.error();
    for (const auto &[name, ref] : (*file)->tensors())
      checkpoint->index_.emplace(name, &ref);
    checkpoint->files_.push_back(file.take());
    return checkpoint;
  }

  Expected<std::string> indexText =
      readInputFile(indexPath.string(), {"safetensors index", kModelJsonLimit});
  if (!indexText)
    return indexText.error();
  const std::string indexName = indexPath.string();
  Expected<nlohmann::json> parsedIndex = parseJsonObject(*indexText, indexName);
  if (!parsedIndex)
    return parsedIndex.error();
  const nlohmann::json &index = *parsedIndex;
  auto mapIt = index.find("weight_map");
  if (mapIt == index.end() || !mapIt->is_object())
    return makeError("shard index '" + indexName +
                     "' has no 'weight_map' object");
  std::map<std::string, SafetensorsFile *> shards;
  for (auto it = mapIt->begin(); it != mapIt->end(); ++it) {
    if (!it->is_string())
      return makeError("shard index '" + indexName + "': weight_map entry '" +
                       it.key() + "' is not a file name");
    std::string shard = it->get<std::string>();
    if (shard.empty() || shard.find('/') != std::string::npos ||
        shard.find("..") != std::string::npos)
      return makeError("shard index '" + indexName + "': tensor '" + it.key() +
                       "' names shard '" + shard +
                       "', which is not a plain file name");
    SafetensorsFile *&file = shards[shard];
    if (!file) {
      auto opened = SafetensorsFile::open((fs::path(dir) / shard).string());
      if (!opened)
        return opened.error();
      file = opened->get();
      checkpoint->files_.push_back(opened.take());
    }
    const TensorRef *ref = file->find(it.key());
    if (!ref)
      return makeError("shard index '" + indexName + "' maps tensor '" +
                       it.key() + "' to '" + shard +
                       "', but that shard has no such tensor");
    checkpoint->index_.emplace(it.key(), ref);
  }
  return checkpoint;
}

const TensorRef *Checkpoint::find(std::string_view name) const {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : it->second;
}

std::vector<std::string> Checkpoint::names() const {
  std::vector<std::string> out;
  for (const auto &[name, ref] : index_)
    out.push_back(name);
  return out;
}

} // namespace sgl::runtime
