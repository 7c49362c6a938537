//===- MaskReference.cpp - Masks checked against brute force --------------===//
#include "bench/maskbench/MaskReference.h"

#include <algorithm>

namespace sgl::bench {

using runtime::constraints::Constraint;
using runtime::constraints::ConstraintCheck;
using runtime::constraints::ConstraintVocabulary;

void MaskComparison::add(const MaskComparison &other) {
  masks += other.masks;
  overConstrainedTokens += other.overConstrainedTokens;
  overConstrainedMasks += other.overConstrainedMasks;
  underConstrainedTokens += other.underConstrainedTokens;
  underConstrainedMasks += other.underConstrainedMasks;
  if (firstDifference.empty())
    firstDifference = other.firstDifference;
}

MaskComparison compareWithReference(const Constraint &constraint,
                                    const ConstraintVocabulary &vocab,
                                    std::string_view prefix,
                                    std::span<const uint64_t> mask) {
  auto inMask = [&](size_t token) {
    return token / 64 < mask.size() && (mask[token / 64] >> (token % 64)) & 1;
  };
  const bool prefixAccepted = constraint.check(prefix).accepted;
  MaskComparison result;
  result.masks = 1;
  std::string text(prefix);
  auto differ = [&](size_t token, bool allowed) {
    (allowed ? result.overConstrainedTokens : result.underConstrainedTokens)++;
    if (result.firstDifference.empty())
      result.firstDifference =
          "token " + std::to_string(token) + " after " +
          std::to_string(prefix.size()) + " bytes: " +
          (allowed ? "allowed by the reference, refused by the mask"
                   : "refused by the reference, allowed by the mask");
  };
  const std::vector<int32_t> &eos = vocab.eosIds;
  size_t numTokens = vocab.tokenBytes.size();
  for (size_t token = 0; token < numTokens; ++token) {
    const std::string &bytes = vocab.tokenBytes[token];
    bool allowed;
    if (std::find(eos.begin(), eos.end(), static_cast<int32_t>(token)) !=
        eos.end()) {
      allowed = prefixAccepted;
    } else if (bytes.empty()) {
      allowed = false;
    } else {
      text.resize(prefix.size());
      text += bytes;
      ConstraintCheck check = constraint.check(text);
      allowed = check.accepted || check.errorOffset == text.size();
    }
    if (allowed != inMask(token))
      differ(token, allowed);
  }
  // Bits past the vocabulary are no tokens at all.
  for (size_t token = numTokens; token < mask.size() * 64; ++token)
    if (inMask(token))
      differ(token, false);
  result.overConstrainedMasks = result.overConstrainedTokens > 0;
  result.underConstrainedMasks = result.underConstrainedTokens > 0;
  return result;
}

} // namespace sgl::bench
