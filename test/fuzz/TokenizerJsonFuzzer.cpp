//===- TokenizerJsonFuzzer.cpp - Fuzz loading tokenizer.json files --------===//
//
// tokenizer.json and tokenizer_config.json come with downloaded models; any
// bytes must give a Tokenizer or a one-line Error, never a crash, a hang or
// an allocation sized by a number in the file. The input is a tokenizer.json
// text, optionally followed by a NUL byte and a tokenizer_config.json text.
// When it loads, a few strings are encoded (every id must be in the
// vocabulary) and decoded back, and out-of-range ids are decoded too.
//
//===----------------------------------------------------------------------===//

#include "runtime/tokenizer/Tokenizer.h"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

using sgl::runtime::Tokenizer;

namespace {

[[noreturn]] void fail(const char *what, std::string_view detail = {}) {
  std::fprintf(stderr, "TokenizerJsonFuzzer: %s %.*s\n", what,
               static_cast<int>(detail.size()), detail.data());
  std::abort();
}

/// Encodes `text` both ways and checks the ids against the vocabulary.
void exercise(const Tokenizer &tok, std::string_view text) {
  for (bool special : {false, true}) {
    std::vector<int32_t> ids = tok.encode(text, special);
    for (int32_t id : ids) {
      if (id < 0 || static_cast<size_t>(id) >= tok.vocabSize())
        fail("id outside the vocabulary for", text);
      // Post-processor ids may name holes; the text's own ids never do.
      if (!special && !tok.idToToken(id))
        fail("id without a token for", text);
    }
    auto checked = tok.tryEncode(text, special);
    if (checked && *checked != ids)
      fail("tryEncode and encode disagree on", text);
    (void)tok.decode(ids);
    (void)tok.decode(ids, /*skipSpecialTokens=*/true);
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view input(reinterpret_cast<const char *>(data), size);
  size_t nul = input.find('\0');
  std::string_view json = input.substr(0, nul);
  std::string_view config = nul == std::string_view::npos
                                ? std::string_view()
                                : input.substr(nul + 1);

  auto loaded = Tokenizer::fromJson(json, config);
  if (!loaded) {
    const std::string &message = loaded.error().message;
    if (message.empty() || message.find('\n') != std::string::npos ||
        message.size() > 1024)
      fail("error message is empty, multi-line or huge:", message);
    return 0;
  }
  const Tokenizer &tok = *loaded;
  static const char *const kTexts[] = {
      "hi",
      "Hello, world! It's 2024.",
      "  \n\n\t x  ",
      "caf\xc3\xa9 \xf0\x9f\x98\x80 \xe4\xb8\xad\xe6\x96\x87",
      "\xff\xfe ill-formed \xc3",
      "<|endoftext|><s></s><|begin_of_text|>",
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!",
  };
  for (const char *text : kTexts)
    exercise(tok, text);
  exercise(tok, json.substr(0, 256));
  const auto &added = tok.addedTokens();
  for (size_t i = 0; i < added.size() && i < 16; ++i)
    exercise(tok, "x" + added[i].content + " " + added[i].content);

  const int32_t vocab = static_cast<int32_t>(tok.vocabSize());
  std::vector<int32_t> odd = {-1, vocab, vocab - 1, INT32_MAX, INT32_MIN, 0};
  (void)tok.decode(odd);
  (void)tok.decode(odd, /*skipSpecialTokens=*/true);
  for (int32_t id : odd) {
    (void)tok.idToToken(id);
    (void)tok.tokenBytes(id);
    (void)tok.isSpecial(id);
  }
  return 0;
}
