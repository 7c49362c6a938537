//===- Normalizer.h - tokenizer.json normalizers ---------------*- C++ -*-===//
//
// The `normalizer` section: null, one of the Unicode forms NFC/NFD/NFKC/NFKD
// (via libutf8proc), or a `Sequence` of those. Other normalizers are
// reported as unsupported when the tokenizer is loaded.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_TOKENIZER_NORMALIZER_H
#define SGL_RUNTIME_TOKENIZER_NORMALIZER_H

#include "runtime/support/Expected.h"

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace sgl::runtime {

class Normalizer {
public:
  enum class Form { NFC, NFD, NFKC, NFKD };

  /// Most forms a normalizer may apply (Sequences flattened). Every form is
  /// a pass over every encoded text, so a file listing thousands would make
  /// each encode crawl; real tokenizers use one or two.
  static constexpr size_t kMaxForms = 64;

  /// Parses tokenizer.json's `normalizer` value (null allowed).
  static Expected<Normalizer> fromJson(const nlohmann::json &config);

  /// True when normalize() returns its input unchanged.
  bool isIdentity() const { return forms_.empty(); }

  /// Applies every form in order. `text` must be valid UTF-8.
  std::string normalize(std::string_view text) const;

private:
  std::vector<Form> forms_;
};

} // namespace sgl::runtime

#endif // SGL_RUNTIME_TOKENIZER_NORMALIZER_H
