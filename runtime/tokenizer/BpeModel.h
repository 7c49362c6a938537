//===- BpeModel.h - Byte-level BPE vocabulary and merges -------*- C++ -*-===//
//
// The `model` section of an HF tokenizer.json with `"type": "BPE"`, for
// byte-level vocabularies (GPT-2, Llama 3, Qwen): every byte of a
// pre-tokenized piece starts as the token spelling that byte, then merges are
// applied lowest rank first (ties: leftmost first) with a heap over a linked
// list of symbols, O(n log n) per piece.
//
// Loading checks what the file claims before trusting it: every id must be
// an integer below a bound set by the number of tokens the file lists (ids
// index dense tables), and every byte must have a token (or an unk_token
// must exist), so encoding never drops input.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_TOKENIZER_BPEMODEL_H
#define SGL_RUNTIME_TOKENIZER_BPEMODEL_H

#include "runtime/support/Expected.h"
#include "runtime/tokenizer/AddedTokens.h"
#include "runtime/tokenizer/FlatHash.h"

#include <nlohmann/json_fwd.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sgl::runtime {

class BpeModel {
public:
  /// Ids may leave holes, but every id must be below
  /// `kIdsPerToken * listed + kIdSlack`, where `listed` counts the vocab and
  /// added-token entries: a file cannot make the id-indexed tables larger
  /// than a small multiple of what it spells out.
  static constexpr size_t kIdsPerToken = 2;
  static constexpr size_t kIdSlack = 256;

  /// Builds the model from tokenizer.json's `model` object. Added tokens are
  /// entered into the token -> id map first (as the reference does), so a
  /// merge or an `ignore_merges` lookup that spells one finds it. Fails on
  /// ids outside the bound above and on a byte without a token when there
  /// is no unk_token.
  static Expected<BpeModel> fromJson(const nlohmann::json &model,
                                     std::span<const AddedToken> added);

  /// Appends the ids of one pre-tokenized piece of raw (UTF-8) bytes.
  void encodePiece(std::string_view bytes, std::vector<int32_t> &out) const;

  /// Id of a token spelt as in tokenizer.json (byte-level alphabet).
  std::optional<int32_t> tokenToId(std::string_view token) const;

  /// Every (token spelling, id) pair of the vocabulary incl. added tokens.
  const std::unordered_map<std::string, int32_t> &vocab() const {
    return vocab_;
  }

  size_t mergeCount() const { return merges_.size(); }

  /// One past the largest id of the vocabulary and the added tokens.
  size_t idCount() const { return idCount_; }

private:
  using Merge = PairTable::Value;
  /// Pieces up to this many bytes use the allocation-free quadratic merge.
  static constexpr size_t kShortPiece = 48;
  const Merge *findMerge(int32_t left, int32_t right) const;
  void mergeShort(std::string_view bytes, std::vector<int32_t> &out) const;
  void mergeLong(std::string_view bytes, std::vector<int32_t> &out) const;
  void emit(int32_t id, std::vector<int32_t> &out) const;

  std::unordered_map<std::string, int32_t> vocab_;
  PairTable merges_;                   // (left id, right id) -> rank, merged id
  BytesTable rawVocab_;                // raw bytes -> id, for ignore_merges
  std::array<int32_t, 256> byteIds_{}; // id of each single byte; -1 if none
  std::optional<int32_t> unkId_;
  size_t idCount_ = 0;
  bool ignoreMerges_ = false;
};

} // namespace sgl::runtime

#endif // SGL_RUNTIME_TOKENIZER_BPEMODEL_H
