//===- SourceMap.cpp - ANTLR code-point positions to source locations -----===//

#include "compiler/parse/SourceMap.h"

#include "antlr4-runtime.h"

namespace sgl::compiler::parse {

namespace {

/// Length of the UTF-8 sequence starting with `lead`, or 0 when invalid.
size_t sequenceLength(unsigned char lead) {
  if (lead < 0x80)
    return 1;
  if ((lead & 0xE0) == 0xC0)
    return lead >= 0xC2 ? 2 : 0;
  if ((lead & 0xF0) == 0xE0)
    return 3;
  if ((lead & 0xF8) == 0xF0)
    return lead <= 0xF4 ? 4 : 0;
  return 0;
}

} // namespace

long SourceMap::firstInvalidUtf8(const std::string &text) {
  for (size_t i = 0; i < text.size();) {
    size_t length = sequenceLength(static_cast<unsigned char>(text[i]));
    if (length == 0 || i + length > text.size())
      return static_cast<long>(i);
    for (size_t k = 1; k < length; ++k)
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80)
        return static_cast<long>(i);
    i += length;
  }
  return -1;
}

SourceMap::SourceMap(const SourceManager &sources, uint32_t file)
    : sources_(sources), file_(file) {
  const std::string &text = sources.contents(file);
  // ANTLR's input stream drops a leading UTF-8 byte order mark, so code
  // point 0 is the first character after it.
  size_t start = text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
  for (size_t i = start; i < text.size();) {
    byteOffsets_.push_back(static_cast<uint32_t>(i));
    size_t length = sequenceLength(static_cast<unsigned char>(text[i]));
    i += length ? length : 1;
  }
  byteOffsets_.push_back(static_cast<uint32_t>(text.size()));
}

SourceLoc SourceMap::locAt(size_t index) const {
  if (index >= byteOffsets_.size())
    index = byteOffsets_.size() - 1;
  return sources_.locForOffset(file_, byteOffsets_[index]);
}

SourceRange SourceMap::rangeOf(antlr4::Token *token) const {
  if (token->getType() == antlr4::Token::EOF) {
    SourceLoc end = locAt(byteOffsets_.size() - 1);
    return {end, end};
  }
  return {locAt(token->getStartIndex()), locAt(token->getStopIndex() + 1)};
}

SourceRange SourceMap::rangeOf(antlr4::ParserRuleContext *ctx) const {
  SourceRange begin = rangeOf(ctx->getStart());
  antlr4::Token *stop = ctx->getStop();
  if (!stop || stop->getTokenIndex() < ctx->getStart()->getTokenIndex())
    return begin;
  return {begin.begin, rangeOf(stop).end};
}

} // namespace sgl::compiler::parse
