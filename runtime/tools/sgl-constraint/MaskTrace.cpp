//===- MaskTrace.cpp - A text's tokens through a constraint's masks -------===//
#include "runtime/tools/sgl-constraint/MaskTrace.h"

#include "runtime/tools/sgl-constraint/CheckReport.h"

#include <algorithm>
#include <bit>
#include <chrono>

namespace sgl::tools {

using runtime::constraints::ConstraintMasks;
using runtime::constraints::ConstraintMatcher;

namespace {

bool hasBit(std::span<const uint64_t> mask, int32_t token) {
  auto word = static_cast<size_t>(token) / 64;
  return token >= 0 && word < mask.size() && (mask[word] >> (token % 64)) & 1;
}

int64_t countBits(std::span<const uint64_t> mask) {
  int64_t count = 0;
  for (uint64_t word : mask)
    count += std::popcount(word);
  return count;
}

/// The mask before the next token, and what computing it took.
struct TimedMask {
  std::span<const uint64_t> bits;
  double micros;
};

TimedMask timedMask(ConstraintMatcher &matcher, uint32_t tokensLeft) {
  auto start = std::chrono::steady_clock::now();
  std::span<const uint64_t> bits = matcher.allowedTokens(tokensLeft);
  std::chrono::duration<double, std::micro> took =
      std::chrono::steady_clock::now() - start;
  return {bits, took.count()};
}

} // namespace

std::vector<int32_t> endOfGenIds(const runtime::Tokenizer &tokenizer) {
  std::vector<int32_t> ids;
  if (std::optional<int32_t> eos = tokenizer.eosId())
    ids.push_back(*eos);
  for (const char *name : {"<|eot_id|>", "<|end_of_text|>"})
    if (std::optional<int32_t> id = tokenizer.tokenToId(name);
        id && tokenizer.isSpecial(*id))
      ids.push_back(*id);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

bool traceMasks(ConstraintMasks &masks, std::span<const int32_t> tokens,
                uint32_t maxTokens, std::FILE *out) {
  const auto &vocabulary = masks.vocabulary();
  ConstraintMatcher matcher(masks);
  std::fprintf(out, "%6s %7s  %-24s %8s  %-8s %9s\n", "#", "id", "token",
               "allowed", "verdict", "µs");
  uint32_t tokensLeft = maxTokens;
  for (size_t i = 0; i < tokens.size(); ++i) {
    int32_t token = tokens[i];
    TimedMask mask = timedMask(matcher, tokensLeft);
    bool allowed = hasBit(mask.bits, token);
    int64_t allowedCount = countBits(mask.bits);
    bool taken = allowed && matcher.accept(token);
    std::string_view bytes =
        static_cast<size_t>(token) < vocabulary.tokenBytes.size()
            ? std::string_view(vocabulary.tokenBytes[token])
            : std::string_view();
    const char *verdict = taken     ? "accepted"
                          : allowed ? "mask allowed it, accept refused"
                                    : "refused";
    std::fprintf(out, "%6zu %7d  %-24s %8lld  %-8s %9.1f\n", i, token,
                 displayBytes(bytes).c_str(),
                 static_cast<long long>(allowedCount), verdict, mask.micros);
    if (!taken) {
      if (std::optional<std::string> why = matcher.failure())
        std::fprintf(out, "stopped at token %zu: %s\n", i, why->c_str());
      else
        std::fprintf(out, "stopped: token %zu is not allowed here\n", i);
      return false;
    }
    if (tokensLeft > 0)
      --tokensLeft;
  }
  bool accepting = matcher.accepting();
  if (tokensLeft == 0) {
    // The gen stops here for its length: no EOS is sampled.
    std::fprintf(out, "end: %s, the budget of %u tokens is spent\n",
                 accepting ? "accepting" : "not accepting", maxTokens);
    return accepting;
  }
  TimedMask last = timedMask(matcher, tokensLeft);
  bool eosAllowed =
      std::any_of(vocabulary.eosIds.begin(), vocabulary.eosIds.end(),
                  [&](int32_t eos) { return hasBit(last.bits, eos); });
  std::fprintf(out, "end: %s, EOS %s (%lld tokens allowed, %.1f µs)\n",
               accepting ? "accepting" : "not accepting",
               eosAllowed ? "allowed" : "refused",
               static_cast<long long>(countBits(last.bits)), last.micros);
  return accepting && eosAllowed;
}

} // namespace sgl::tools
