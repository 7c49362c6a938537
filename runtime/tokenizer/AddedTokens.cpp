//===- AddedTokens.cpp - Added/special tokens matched before BPE ----------===//
//
// Builds the added-token trie and splits text into plain and token sections.
//
//===----------------------------------------------------------------------===//
#include "runtime/tokenizer/AddedTokens.h"

#include "runtime/tokenizer/Utf8.h"

namespace sgl::runtime {

AddedTokenMatcher::AddedTokenMatcher(const std::vector<AddedToken> &tokens)
    : tokens_(tokens) {
  nodes_.emplace_back(); // root
  for (size_t index = 0; index < tokens.size(); ++index) {
    const std::string &content = tokens[index].content;
    if (content.empty())
      continue;
    canStart_[static_cast<unsigned char>(content[0])] = true;
    int32_t node = 0;
    for (unsigned char byte : content) {
      int32_t next = child(node, byte);
      if (next < 0) {
        next = static_cast<int32_t>(nodes_.size());
        nodes_[node].children.emplace_back(byte, next);
        nodes_.emplace_back();
      }
      node = next;
    }
    // A later duplicate wins, as when the reference fills its map.
    nodes_[node].token = static_cast<int32_t>(index);
  }
}

int32_t AddedTokenMatcher::child(int32_t node, unsigned char byte) const {
  for (const auto &[label, target] : nodes_[node].children)
    if (label == byte)
      return target;
  return -1;
}

std::vector<TextSection> AddedTokenMatcher::split(std::string_view text) const {
  const ByteRange whole{0, text.size()};
  return split(text, std::span<const ByteRange>(&whole, 1));
}

std::vector<TextSection>
AddedTokenMatcher::split(std::string_view text,
                         std::span<const ByteRange> specialRanges) const {
  std::vector<TextSection> sections;
  size_t range = 0; // first range that can still hold a match
  size_t start = 0, pos = 0;
  while (pos < text.size()) {
    if (!canStart_[static_cast<unsigned char>(text[pos])]) {
      ++pos;
      continue;
    }
    int32_t node = 0, match = -1;
    size_t matchEnd = pos;
    for (size_t i = pos; i < text.size(); ++i) {
      node = child(node, static_cast<unsigned char>(text[i]));
      if (node < 0)
        break;
      if (nodes_[node].token >= 0) {
        match = nodes_[node].token;
        matchEnd = i + 1;
      }
    }
    if (match < 0) {
      ++pos;
      continue;
    }
    if (tokens_[match].special) {
      // Matches only move right: ranges ending at or before pos are done.
      while (range < specialRanges.size() && specialRanges[range].end <= pos)
        ++range;
      bool inside = range < specialRanges.size() &&
                    specialRanges[range].begin <= pos &&
                    matchEnd <= specialRanges[range].end;
      if (!inside) {
        // Plain text here. Like Hugging Face's leftmost-longest scan with
        // encode_special_tokens, the span is consumed, not rescanned.
        pos = matchEnd;
        continue;
      }
    }
    if (pos > start)
      sections.push_back({text.substr(start, pos - start), -1});
    sections.push_back({text.substr(pos, matchEnd - pos), match});
    pos = start = matchEnd;
  }
  if (start < text.size())
    sections.push_back({text.substr(start), -1});

  // lstrip / rstrip eat white space of the neighbouring plain sections.
  for (size_t i = 0; i < sections.size(); ++i) {
    if (sections[i].addedIndex < 0)
      continue;
    const AddedToken &token = tokens_[sections[i].addedIndex];
    if (token.lstrip && i > 0 && sections[i - 1].addedIndex < 0)
      sections[i - 1].text = trimJsWhitespaceEnd(sections[i - 1].text);
    if (token.rstrip && i + 1 < sections.size() &&
        sections[i + 1].addedIndex < 0)
      sections[i + 1].text = trimJsWhitespaceStart(sections[i + 1].text);
  }
  return sections;
}

} // namespace sgl::runtime
