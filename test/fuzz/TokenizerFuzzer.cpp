//===- TokenizerFuzzer.cpp - Fuzz encode/decode of a real tokenizer -------===//
//
// Loads the tokenizer.json named by $SGL_FUZZ_TOKENIZER (the Llama 3.1 one in
// the build) and checks, for any bytes, that encoding never crashes, every
// id is in the vocabulary, and decoding gives back the input with ill-formed
// UTF-8 replaced (Llama 3.1 has no normalizer, so nothing else changes).
//
//===----------------------------------------------------------------------===//

#include "runtime/tokenizer/Tokenizer.h"
#include "runtime/tokenizer/Utf8.h"

#include <cstdio>
#include <cstdlib>

using sgl::runtime::Tokenizer;

namespace {

const Tokenizer &tokenizer() {
  static const Tokenizer *loaded = [] {
    const char *path = std::getenv("SGL_FUZZ_TOKENIZER");
    if (!path) {
      std::fprintf(
          stderr,
          "TokenizerFuzzer: set SGL_FUZZ_TOKENIZER to a tokenizer.json\n");
      std::abort();
    }
    auto result = Tokenizer::fromFile(path);
    if (!result) {
      std::fprintf(stderr, "TokenizerFuzzer: %s\n",
                   result.error().message.c_str());
      std::abort();
    }
    return new Tokenizer(result.take());
  }();
  return *loaded;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view text(reinterpret_cast<const char *>(data), size);
  const Tokenizer &tok = tokenizer();
  std::vector<int32_t> ids = tok.encode(text, /*addSpecialTokens=*/false);
  for (int32_t id : ids)
    if (id < 0 || static_cast<size_t>(id) >= tok.vocabSize() ||
        !tok.idToToken(id))
      std::abort();
  if (tok.decode(ids) != sgl::runtime::sanitizeUtf8(text)) {
    std::fprintf(stderr,
                 "TokenizerFuzzer: decode(encode(s)) != s for %zu bytes\n",
                 size);
    std::abort();
  }
  return 0;
}
