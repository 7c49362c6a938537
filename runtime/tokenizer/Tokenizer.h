//===- Tokenizer.h - HF tokenizer.json byte-level BPE tokenizer -*- C++ -*-===//
//
// `Tokenizer` loads a Hugging Face `tokenizer.json` (plus, optionally, its
// `tokenizer_config.json`) for byte-level BPE models — GPT-2, Llama 3, Qwen —
// and encodes text to ids and ids back to bytes, agreeing token for token
// with @lenml/tokenizers (the transformers.js tokenizers):
//
//   text ─▶ added tokens cut out ─▶ normalizer ─▶ pre-tokenizer (PCRE2)
//        ─▶ byte-level BPE per piece ─▶ post-processor (e.g. BOS) ─▶ ids
//
// tryEncodeRuns runs the same pipeline on text given as runs, some of which
// are plain data (a program's arguments): special tokens spelt in those are
// encoded as ordinary text, so user data can never inject `<|eot_id|>`.
//
// Unsupported configurations (WordPiece, Unigram, SentencePiece-style BPE,
// unknown normalizers or pre-tokenizers) fail to load with an Error. So do
// hostile files, checked where each value is read: nesting deeper than 64
// levels, ids that are not integers or exceed what the file lists (see
// BpeModel::kIdsPerToken), a byte without a token and no unk_token, config
// tokens missing from the vocabulary, pipelines of more than 64 steps.
// A loaded Tokenizer is immutable and safe to use from many threads.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_TOKENIZER_TOKENIZER_H
#define SGL_RUNTIME_TOKENIZER_TOKENIZER_H

#include "runtime/support/Expected.h"
#include "runtime/tokenizer/AddedTokens.h"
#include "runtime/tokenizer/BpeModel.h"
#include "runtime/tokenizer/Normalizer.h"
#include "runtime/tokenizer/PreTokenizer.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sgl::runtime {

/// One piece of the text given to Tokenizer::tryEncodeRuns.
struct TextRun {
  std::string_view text;
  /// False for plain data: special added tokens spelt here (or straddling
  /// this run's edges) are not recognised.
  bool allowSpecial = true;
};

class Tokenizer {
public:
  /// Loads `path` (a tokenizer.json, or a directory holding one). A
  /// tokenizer_config.json next to it supplies BOS/EOS and extra specials.
  static Expected<Tokenizer> fromFile(const std::string &path);

  /// Loads from the text of tokenizer.json and, optionally, of
  /// tokenizer_config.json (empty: none).
  static Expected<Tokenizer> fromJson(std::string_view tokenizerJson,
                                      std::string_view configJson = {});

  /// Token ids of `text`. With `addSpecialTokens`, the post-processor's
  /// tokens are added (Llama 3: `<|begin_of_text|>` first; Qwen: none).
  /// Added tokens written in the text (e.g. `<|eot_id|>`) are always
  /// recognised. Ill-formed UTF-8 is replaced by U+FFFD first. Every byte
  /// is encoded: should a pre-tokenizer regex give up on a piece (a
  /// pathological pattern hitting a PCRE2 limit), that piece is encoded
  /// unsplit; tryEncode reports that case instead.
  std::vector<int32_t> encode(std::string_view text,
                              bool addSpecialTokens = true) const;

  /// Like encode, but fails when a pre-tokenizer regex gives up, rather
  /// than encoding the piece unsplit.
  Expected<std::vector<int32_t>> tryEncode(std::string_view text,
                                           bool addSpecialTokens = true) const;

  /// Token ids of the runs' concatenation, tokenized as one text:
  /// normalizer, pre-tokenizer and BPE see the whole string, so "hel" +
  /// "lo world" gives the ids of "hello world". The one difference is where
  /// added tokens may be cut out:
  ///  - a special added token (special = true, or named by the config's
  ///    additional_special_tokens) only where its whole match lies inside
  ///    one run with allowSpecial; elsewhere its spelling is plain text,
  ///    as Hugging Face encodes with encode_special_tokens = true (the span
  ///    is consumed as text: no other added token is matched inside it);
  ///  - a non-special added token (Qwen's `<think>`) everywhere, as Hugging
  ///    Face does even with encode_special_tokens.
  /// No post-processor tokens are added. tryEncode(text, false) equals
  /// tryEncodeRuns({{text, true}}). Ill-formed UTF-8 is replaced by U+FFFD
  /// after joining (a run edge inside a code point moves past it). Fails
  /// where tryEncode would: a pre-tokenizer regex gave up.
  Expected<std::vector<int32_t>>
  tryEncodeRuns(std::span<const TextRun> runs) const;

  /// The bytes the ids spell, concatenated. Ids without a token are
  /// skipped; so are special tokens when `skipSpecialTokens`. The result can
  /// end inside a UTF-8 sequence when the ids do.
  std::string decode(std::span<const int32_t> ids,
                     bool skipSpecialTokens = false) const;

  /// One past the largest id (vocabulary plus added tokens).
  size_t vocabSize() const { return tokens_.size(); }

  /// Id of a token as spelt in tokenizer.json (e.g. "Ġthe", "<|eot_id|>").
  std::optional<int32_t> tokenToId(std::string_view token) const;

  /// Spelling of `id` as in tokenizer.json; nullopt for holes/out of range.
  std::optional<std::string_view> idToToken(int32_t id) const;

  /// The raw bytes `id` decodes to (empty for holes/out of range). Added
  /// tokens decode to their content.
  std::string_view tokenBytes(int32_t id) const;

  /// True for added tokens marked special (and config extra specials).
  bool isSpecial(int32_t id) const;

  /// The post-processor's tokens before the text (Llama 3: BOS; Qwen:
  /// none): what encode(text, true) puts first.
  const std::vector<int32_t> &prefixTokens() const { return prefix_; }

  std::optional<int32_t> bosId() const { return bosId_; }
  std::optional<int32_t> eosId() const { return eosId_; }

  const std::vector<AddedToken> &addedTokens() const { return addedTokens_; }

private:
  Tokenizer(BpeModel model, Normalizer normalizer, PreTokenizer preTokenizer)
      : model_(std::move(model)), normalizer_(std::move(normalizer)),
        preTokenizer_(std::move(preTokenizer)) {}

  /// Appends the ids of text without added tokens; the status says whether
  /// a regex gave up (the ids are complete either way).
  Status encodePlain(std::string_view text, std::vector<int32_t> &out) const;
  /// The whole pipeline: every encode entry point ends here.
  Status encodeInto(std::span<const TextRun> runs, bool addSpecialTokens,
                    std::vector<int32_t> &ids) const;

  BpeModel model_;
  Normalizer normalizer_;
  PreTokenizer preTokenizer_;
  std::vector<AddedToken> addedTokens_;
  AddedTokenMatcher addedMatcher_;
  std::vector<int32_t> prefix_;     // ids before the text with special tokens
  std::vector<int32_t> suffix_;     // ids after it
  std::vector<std::string> tokens_; // [vocabSize] spelling; "" for holes
  std::vector<std::string> bytes_;  // [vocabSize] decoded bytes
  std::vector<uint8_t> present_;    // [vocabSize] 1 when the id exists
  std::vector<uint8_t> special_;    // [vocabSize] 1 for special tokens
  std::optional<int32_t> bosId_;
  std::optional<int32_t> eosId_;
};

} // namespace sgl::runtime

#endif // SGL_RUNTIME_TOKENIZER_TOKENIZER_H
