//===- FlatHash.h - Open-addressing tables for BPE hot paths ---*- C++ -*-===//
//
// Two read-mostly hash tables used on every encoded piece: merge ranks keyed
// by a pair of token ids, and token ids keyed by raw bytes. Linear probing
// over one flat array keeps a lookup to one or two cache lines, which is
// what makes BPE fast on 128k-150k vocabularies.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_TOKENIZER_FLATHASH_H
#define SGL_RUNTIME_TOKENIZER_FLATHASH_H

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace sgl::runtime {

inline uint64_t mix64(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

inline uint64_t hashBytes(std::string_view bytes) {
  uint64_t h = 0xcbf29ce484222325ULL ^ bytes.size();
  size_t i = 0;
  for (; i + 8 <= bytes.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, bytes.data() + i, 8);
    h = mix64(h ^ word);
  }
  uint64_t tail = 0;
  std::memcpy(&tail, bytes.data() + i, bytes.size() - i);
  return mix64(h ^ tail);
}

/// Slots for `count` keys in an open-addressing table: a power of two at
/// least twice the count, so probes stay short.
inline size_t tableCapacity(size_t count) {
  size_t capacity = 16;
  while (capacity < count * 2)
    capacity <<= 1;
  return capacity;
}

/// Maps a (left id, right id) pair to a merge rank and the merged id.
class PairTable {
public:
  struct Value {
    int32_t rank = -1;
    int32_t merged = -1;
  };

  void reserve(size_t count) {
    size_t capacity = tableCapacity(count);
    slots_.assign(capacity, Slot{});
    mask_ = capacity - 1;
    size_ = 0;
  }

  /// Inserts or overwrites; reserve() must have room for every key.
  void insert(int32_t left, int32_t right, Value value) {
    uint64_t key = pack(left, right);
    for (size_t i = mix64(key) & mask_;; i = (i + 1) & mask_) {
      if (slots_[i].key == kEmpty) {
        slots_[i] = {key, value};
        ++size_;
        return;
      }
      if (slots_[i].key == key) {
        slots_[i].value = value;
        return;
      }
    }
  }

  const Value *find(int32_t left, int32_t right) const {
    if (slots_.empty())
      return nullptr;
    uint64_t key = pack(left, right);
    for (size_t i = mix64(key) & mask_;; i = (i + 1) & mask_) {
      if (slots_[i].key == key)
        return &slots_[i].value;
      if (slots_[i].key == kEmpty)
        return nullptr;
    }
  }

  size_t size() const { return size_; }

private:
  static constexpr uint64_t kEmpty = ~0ULL;
  static uint64_t pack(int32_t left, int32_t right) {
    return (static_cast<uint64_t>(static_cast<uint32_t>(left)) << 32) |
           static_cast<uint32_t>(right);
  }
  struct Slot {
    uint64_t key = kEmpty;
    Value value;
  };
  std::vector<Slot> slots_;
  size_t mask_ = 0;
  size_t size_ = 0;
};

/// Maps byte strings to token ids; keys live in one shared buffer.
class BytesTable {
public:
  void reserve(size_t count) {
    size_t capacity = tableCapacity(count);
    slots_.assign(capacity, Slot{});
    mask_ = capacity - 1;
  }

  /// Inserts or overwrites; reserve() must have room for every key.
  void insert(std::string_view key, int32_t id) {
    uint64_t hash = hashBytes(key);
    for (size_t i = hash & mask_;; i = (i + 1) & mask_) {
      Slot &slot = slots_[i];
      if (slot.id < 0) {
        slot = {hash, static_cast<uint32_t>(keys_.size()),
                static_cast<uint32_t>(key.size()), id};
        keys_.append(key);
        maxKeyLength_ = std::max(maxKeyLength_, key.size());
        return;
      }
      if (slot.hash == hash && keyOf(slot) == key) {
        slot.id = id;
        return;
      }
    }
  }

  /// The id stored for `key`, or -1.
  int32_t find(std::string_view key) const {
    if (slots_.empty() || key.size() > maxKeyLength_)
      return -1;
    uint64_t hash = hashBytes(key);
    for (size_t i = hash & mask_;; i = (i + 1) & mask_) {
      const Slot &slot = slots_[i];
      if (slot.id < 0)
        return -1;
      if (slot.hash == hash && keyOf(slot) == key)
        return slot.id;
    }
  }

private:
  struct Slot {
    uint64_t hash = 0;
    uint32_t offset = 0;
    uint32_t length = 0;
    int32_t id = -1;
  };
  std::string_view keyOf(const Slot &slot) const {
    return std::string_view(keys_).substr(slot.offset, slot.length);
  }
  std::vector<Slot> slots_;
  std::string keys_;
  size_t mask_ = 0;
  size_t maxKeyLength_ = 0;
};

} // namespace sgl::runtime

#endif // SGL_RUNTIME_TOKENIZER_FLATHASH_H
