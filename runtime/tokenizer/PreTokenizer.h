//===- PreTokenizer.h - tokenizer.json pre-tokenizers ----------*- C++ -*-===//
//
// The `pre_tokenizer` section, as a list of steps applied to every piece in
// turn: `Split` (regex or literal; behaviours Isolated and Removed) and
// `ByteLevel` (optional prefix space, optional GPT-2 regex), nested in
// `Sequence`s. `Split` with `invert` is refused: the reference keeps only the
// matches then, dropping the text between them. The byte-to-unicode mapping
// of ByteLevel is not materialised: pieces stay raw bytes and BpeModel works
// on bytes directly.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_TOKENIZER_PRETOKENIZER_H
#define SGL_RUNTIME_TOKENIZER_PRETOKENIZER_H

#include "runtime/support/Expected.h"
#include "runtime/tokenizer/Regex.h"

#include <nlohmann/json_fwd.hpp>

#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sgl::runtime {

class PreTokenizer {
public:
  /// Most steps a pre-tokenizer may have (Sequences flattened). Every step
  /// is a pass over every piece, and a regex step costs a compiled pattern,
  /// so a file listing thousands would make loading and each encode crawl;
  /// real tokenizers use two or three.
  static constexpr size_t kMaxSteps = 64;

  /// Parses tokenizer.json's `pre_tokenizer` value (null allowed).
  static Expected<PreTokenizer> fromJson(const nlohmann::json &config);

  /// Pieces of one text. Views point into the split text or into `owned`
  /// (pieces a step had to rewrite, e.g. with a prefix space). Together
  /// they hold every byte of the text (Split's "Removed" delimiters aside).
  struct Pieces {
    std::vector<std::string_view> views;
    std::deque<std::string> owned;
    /// Ok, or why a step's regex gave up (a PCRE2 limit). The piece it gave
    /// up on went through that step unsplit, so no text was dropped.
    Status status;
  };

  /// Splits `text` (valid UTF-8) into pieces for the BPE model. The result
  /// refers to `text`, which must outlive it.
  Pieces split(std::string_view text) const;

  /// True when a ByteLevel step is present (byte-level BPE vocabulary).
  bool hasByteLevel() const;

private:
  struct Step {
    enum class Kind { Split, ByteLevel } kind = Kind::Split;
    // Split: a regex, or a literal when `regex` is empty.
    std::optional<Regex> regex;
    std::string literal;
    bool removeDelimiters = false; // behavior "Removed"
    bool invert = false;           // keep only the matches
    // ByteLevel.
    bool addPrefixSpace = false;
  };
  static Status collect(const nlohmann::json &config, std::vector<Step> &steps);
  static Expected<std::vector<MatchRange>> matches(const Step &step,
                                                   std::string_view text);

  std::vector<Step> steps_;
};

} // namespace sgl::runtime

#endif // SGL_RUNTIME_TOKENIZER_PRETOKENIZER_H
