//===- LiteralOffsetsTest.cpp - Decoded string bytes back to columns ------===//
//
// Every decoded byte of a literal maps to the column where it was written:
// checked against a brute-force decoding of the literal's source, for raw
// and ordinary strings with every escape, doubled braces and UTF-8.
//
//===----------------------------------------------------------------------===//
#include "compiler/LiteralOffsets.h"
#include "compiler/Parser.h"

#include <gtest/gtest.h>

#include <sstream>

using namespace sgl::compiler;

namespace {

/// The first statement of `program p() { LITERAL }` as a literal.
struct ParsedLiteral {
  SourceManager sources;
  Module module;
  const StringLiteral *literal = nullptr;

  explicit ParsedLiteral(const std::string &literalSource) {
    uint32_t file =
        sources.addBuffer("t.sgl", "program p() { " + literalSource + " }\n");
    std::ostringstream out;
    DiagnosticEngine diags(sources, out);
    EXPECT_TRUE(parseFile(file, sources, diags, module)) << out.str();
    EXPECT_FALSE(diags.hasErrors()) << out.str();
    literal = &dynCast<TextStmt>(module.programs[0].body[0].get())->text;
  }
};

/// The source column of each decoded byte of `source` (a literal starting
/// at column 15), by decoding it with the lexer's rules.
std::vector<uint32_t> bruteForceColumns(const std::string &source) {
  std::vector<uint32_t> columns;
  const bool raw = source[0] == 'r';
  size_t pos = raw ? 2 : 1;
  while (pos + 1 < source.size()) {
    size_t width = 1;
    if (!raw &&
        (source[pos] == '\\' || ((source[pos] == '{' || source[pos] == '}') &&
                                 source[pos + 1] == source[pos])))
      width = 2;
    columns.push_back(static_cast<uint32_t>(15 + pos));
    pos += width;
  }
  return columns;
}

void expectColumns(const std::string &source) {
  ParsedLiteral parsed(source);
  ASSERT_NE(parsed.literal, nullptr);
  const std::string text = parsed.literal->constantText();
  std::vector<uint32_t> want = bruteForceColumns(source);
  ASSERT_EQ(want.size(), text.size()) << source;
  for (size_t i = 0; i < text.size(); ++i) {
    SourceLoc loc = sourceLocOfDecodedByte(*parsed.literal, parsed.sources, i);
    EXPECT_EQ(loc.line, 1u);
    EXPECT_EQ(loc.col, want[i]) << source << " byte " << i;
  }
  // Past the end: the closing quote.
  SourceLoc end =
      sourceLocOfDecodedByte(*parsed.literal, parsed.sources, text.size() + 3);
  EXPECT_EQ(end.col, 15 + source.size() - 1) << source;
}

TEST(LiteralOffsetsTest, RawStringsMapOneToOne) {
  expectColumns(R"(r"[a-z]+(?=x)\d{3}")");
  expectColumns(R"(r"")");
}

TEST(LiteralOffsetsTest, EscapesAreTwoSourceBytesForOne) {
  expectColumns(R"("a\\.b\"c\n\t\r\0\'d")");
}

TEST(LiteralOffsetsTest, DoubledBracesAreTwoSourceBytesForOne) {
  expectColumns(R"("[0-9]{{3}}-{{x}}")");
}

TEST(LiteralOffsetsTest, Utf8BytesMapToTheirOwnColumns) {
  // Columns count bytes: é is two, 😀 four.
  expectColumns("\"\xc3\xa9\\\\\xf0\x9f\x98\x80{{\"");
}

} // namespace
