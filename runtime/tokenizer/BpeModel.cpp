//===- BpeModel.cpp - Byte-level BPE vocabulary and merges ----------------===//
//
// Loads vocab/merges and runs the heap-based merge loop on one piece.
//
//===----------------------------------------------------------------------===//
#include "runtime/tokenizer/BpeModel.h"

#include "runtime/tokenizer/JsonInput.h"
#include "runtime/tokenizer/Utf8.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <queue>

namespace sgl::runtime {

namespace {

/// Splits one merges entry: "a b" (first space separates) or ["a", "b"].
std::optional<std::pair<std::string, std::string>>
parseMerge(const nlohmann::json &entry) {
  if (entry.is_string()) {
    const std::string &text = entry.get_ref<const std::string &>();
    size_t space = text.find(' ');
    if (space == std::string::npos)
      return std::nullopt;
    // Like JavaScript's split(" ", 2): a further space ends the right part.
    size_t end = text.find(' ', space + 1);
    return std::make_pair(text.substr(0, space),
                          text.substr(space + 1, end == std::string::npos
                                                     ? std::string::npos
                                                     : end - space - 1));
  }
  if (entry.is_array() && entry.size() == 2 && entry[0].is_string() &&
      entry[1].is_string())
    return std::make_pair(entry[0].get<std::string>(),
                          entry[1].get<std::string>());
  return std::nullopt;
}

bool nonEmptyString(const nlohmann::json &object, const char *key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() &&
         !it->get_ref<const std::string &>().empty();
}

} // namespace

Expected<BpeModel> BpeModel::fromJson(const nlohmann::json &model,
                                      std::span<const AddedToken> added) {
  BpeModel bpe;
  auto vocab = model.find("vocab");
  if (vocab == model.end() || !vocab->is_object())
    return makeError("BPE model has no 'vocab' object");
  auto merges = model.find("merges");
  if (merges == model.end() || !merges->is_array())
    return makeError("BPE model has no 'merges' array");
  if (nonEmptyString(model, "continuing_subword_prefix") ||
      nonEmptyString(model, "end_of_word_suffix"))
    return makeError("BPE 'continuing_subword_prefix'/'end_of_word_suffix' "
                     "are not supported");
  if (model.value("byte_fallback", false))
    return makeError("BPE 'byte_fallback' (SentencePiece-style BPE) is not "
                     "supported yet");

  // Ids index dense tables (Tokenizer's spellings, bytes, flags), so bound
  // them by what the file lists before anything is sized by them.
  const size_t listed = vocab->size() + added.size();
  const uint64_t idLimit = std::min<uint64_t>(
      kIdsPerToken * listed + kIdSlack, static_cast<uint64_t>(INT32_MAX) + 1);
  auto outOfRange = [&](std::string_view kind, std::string_view token,
                        uint64_t id) {
    return makeError(std::string(kind) + singleQuoted(token) + " has id " +
                     std::to_string(id) + " but the file lists only " +
                     std::to_string(listed) + " tokens");
  };
  int32_t maxId = -1;
  bpe.vocab_.reserve(listed);
  for (const auto &[token, value] : vocab->items()) {
    std::optional<uint64_t> id = nonNegativeInteger(value);
    if (!id)
      return makeError("vocab entry " + singleQuoted(token) + " has id " +
                       excerpt(value) +
                       ", which is not a token id (a non-negative integer)");
    if (*id >= idLimit)
      return outOfRange("token ", token, *id);
    bpe.vocab_[token] = static_cast<int32_t>(*id);
    maxId = std::max(maxId, static_cast<int32_t>(*id));
  }
  for (const AddedToken &token : added) {
    if (token.id < 0 || static_cast<uint64_t>(token.id) >= idLimit)
      return outOfRange("added token ", token.content,
                        static_cast<uint64_t>(token.id));
    bpe.vocab_[token.content] = token.id;
    maxId = std::max(maxId, token.id);
  }
  bpe.idCount_ = maxId < 0 ? 0 : static_cast<size_t>(maxId) + 1;

  const nlohmann::json &unk = member(model, "unk_token");
  std::optional<std::string> unkName;
  if (unk.is_string()) {
    unkName = unk.get<std::string>();
    bpe.unkId_ = bpe.tokenToId(*unkName);
  } else if (!unk.is_null()) {
    return makeError("BPE 'unk_token' is " + excerpt(unk) +
                     ", not a token or null");
  }
  bpe.ignoreMerges_ = model.value("ignore_merges", false);

  // Every piece starts as one token per byte; a byte without a token would
  // vanish from the encoding unless an unk_token stands in for it.
  const auto &alphabet = byteToCodePoint();
  int missing = 0, firstMissing = -1;
  for (int b = 0; b < 256; ++b) {
    std::string spelling;
    appendUtf8(spelling, alphabet[b]);
    bpe.byteIds_[b] = bpe.tokenToId(spelling).value_or(-1);
    if (bpe.byteIds_[b] < 0 && missing++ == 0)
      firstMissing = b;
  }
  if (missing > 0 && !bpe.unkId_) {
    char hex[8];
    std::snprintf(hex, sizeof(hex), "0x%02X", firstMissing);
    std::string message =
        std::string("byte-level BPE vocabulary has no token for byte ") + hex;
    if (missing > 1)
      message += " (nor for " + std::to_string(missing - 1) + " other bytes)";
    if (unkName)
      return makeError(message + " and its unk_token " +
                       singleQuoted(*unkName) + " is not in the vocabulary");
    return makeError(message + " and no unk_token");
  }

  bpe.merges_.reserve(merges->size());
  int32_t rank = 0;
  // Later duplicates overwrite earlier ones, as in the reference's Map.
  for (const auto &entry : *merges) {
    auto parts = parseMerge(entry);
    if (!parts)
      return makeError("malformed merge #" + std::to_string(rank) + ": " +
                       excerpt(entry));
    auto left = bpe.tokenToId(parts->first);
    auto right = bpe.tokenToId(parts->second);
    auto merged = bpe.tokenToId(parts->first + parts->second);
    // A merge whose parts or result are not tokens can never fire.
    if (left && right && merged)
      bpe.merges_.insert(*left, *right, Merge{rank, *merged});
    ++rank;
  }

  // ignore_merges looks whole pieces up by their byte-level spelling; key
  // the table by raw bytes instead (the alphabet is a bijection), keeping
  // only spellings made entirely of alphabet characters.
  if (bpe.ignoreMerges_) {
    bpe.rawVocab_.reserve(bpe.vocab_.size());
    for (const auto &[token, id] : bpe.vocab_) {
      std::string raw = byteLevelToBytes(token);
      if (bytesToByteLevel(raw) == token)
        bpe.rawVocab_.insert(raw, id);
    }
  }
  return bpe;
}

std::optional<int32_t> BpeModel::tokenToId(std::string_view token) const {
  auto it = vocab_.find(std::string(token));
  if (it == vocab_.end())
    return std::nullopt;
  return it->second;
}

const BpeModel::Merge *BpeModel::findMerge(int32_t left, int32_t right) const {
  if (left < 0 || right < 0)
    return nullptr;
  return merges_.find(left, right);
}

void BpeModel::emit(int32_t id, std::vector<int32_t> &out) const {
  if (id >= 0)
    out.push_back(id);
  else if (unkId_)
    out.push_back(*unkId_);
}

void BpeModel::encodePiece(std::string_view bytes,
                           std::vector<int32_t> &out) const {
  if (bytes.empty())
    return;
  if (ignoreMerges_) {
    if (int32_t id = rawVocab_.find(bytes); id >= 0) {
      out.push_back(id);
      return;
    }
  }
  if (bytes.size() == 1)
    emit(byteIds_[static_cast<unsigned char>(bytes[0])], out);
  else if (bytes.size() <= kShortPiece)
    mergeShort(bytes, out);
  else
    mergeLong(bytes, out);
}

// Both merge loops apply, at every step, the lowest-rank adjacent pair,
// leftmost first among equal ranks — the order the reference's heap pops.

void BpeModel::mergeShort(std::string_view bytes,
                          std::vector<int32_t> &out) const {
  // Quadratic scan over a compact array: no allocation, and faster than a
  // heap for the short pieces that make up almost all text.
  int32_t ids[kShortPiece];
  Merge merges[kShortPiece];
  size_t n = bytes.size();
  for (size_t i = 0; i < n; ++i)
    ids[i] = byteIds_[static_cast<unsigned char>(bytes[i])];
  auto pairAt = [&](size_t i) {
    const Merge *merge = findMerge(ids[i], ids[i + 1]);
    return merge ? *merge : Merge{};
  };
  for (size_t i = 0; i + 1 < n; ++i)
    merges[i] = pairAt(i);
  while (n > 1) {
    size_t best = n;
    for (size_t i = 0; i + 1 < n; ++i)
      if (merges[i].rank >= 0 &&
          (best == n || merges[i].rank < merges[best].rank))
        best = i;
    if (best == n)
      break;
    ids[best] = merges[best].merged;
    for (size_t i = best + 1; i + 1 < n; ++i) {
      ids[i] = ids[i + 1];
      merges[i] = merges[i + 1];
    }
    --n;
    if (best > 0)
      merges[best - 1] = pairAt(best - 1);
    if (best + 1 < n)
      merges[best] = pairAt(best);
  }
  for (size_t i = 0; i < n; ++i)
    emit(ids[i], out);
}

void BpeModel::mergeLong(std::string_view bytes,
                         std::vector<int32_t> &out) const {
  // Symbols live at the byte offset where they start; merging absorbs the
  // right neighbour, so a symbol's index is also its heap tie-breaker.
  const size_t n = bytes.size();
  struct Symbol {
    int32_t id;
    int32_t prev;
    int32_t next;
    bool alive;
  };
  std::vector<Symbol> symbols(n);
  for (size_t i = 0; i < n; ++i)
    symbols[i] = {byteIds_[static_cast<unsigned char>(bytes[i])],
                  static_cast<int32_t>(i) - 1,
                  i + 1 < n ? static_cast<int32_t>(i + 1) : -1, true};

  struct Candidate {
    int32_t rank;
    int32_t left;  // symbol index
    int32_t right; // symbol index
    int32_t leftId;
    int32_t rightId;
    int32_t merged;
    bool operator>(const Candidate &other) const {
      return rank != other.rank ? rank > other.rank : left > other.left;
    }
  };
  std::priority_queue<Candidate, std::vector<Candidate>,
                      std::greater<Candidate>>
      queue;
  auto consider = [&](int32_t left) {
    int32_t right = symbols[left].next;
    if (right < 0)
      return;
    if (const Merge *merge = findMerge(symbols[left].id, symbols[right].id))
      queue.push({merge->rank, left, right, symbols[left].id, symbols[right].id,
                  merge->merged});
  };
  for (int32_t i = 0; i + 1 < static_cast<int32_t>(n); ++i)
    consider(i);

  while (!queue.empty()) {
    Candidate top = queue.top();
    queue.pop();
    Symbol &left = symbols[top.left];
    // Skip candidates made stale by an earlier merge.
    if (!left.alive || left.next != top.right || left.id != top.leftId ||
        symbols[top.right].id != top.rightId)
      continue;
    Symbol &right = symbols[top.right];
    left.id = top.merged;
    left.next = right.next;
    right.alive = false;
    if (left.next >= 0)
      symbols[left.next].prev = top.left;
    if (left.prev >= 0)
      consider(left.prev);
    consider(top.left);
  }

  for (int32_t i = 0; i >= 0; i = symbols[i].next)
    emit(symbols[i].id, out);
}

} // namespace sgl::runtime
