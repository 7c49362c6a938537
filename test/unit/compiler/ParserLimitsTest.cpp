//===- ParserLimitsTest.cpp - Parsing hostile input stays bounded ---------===//
#include "compiler/Parser.h"
#include "compiler/Sema.h"

#include <gtest/gtest.h>

#include <sstream>

using namespace sgl::compiler;

namespace {

struct Parsed {
  std::string output;
  unsigned errors = 0;
  bool limitReached = false;
};

/// Parses and checks `text` as t.sgl with the given error limit.
Parsed parse(const std::string &text, unsigned errorLimit) {
  SourceManager sources;
  uint32_t file = sources.addBuffer("t.sgl", text);
  std::ostringstream out;
  DiagnosticEngine diags(sources, out);
  diags.setErrorLimit(errorLimit);
  Module module;
  if (parseFile(file, sources, diags, module))
    checkModule(module, diags);
  return {out.str(), diags.errorCount(), diags.errorLimitReached()};
}

/// `n` lines that are each one syntax error.
std::string syntaxErrors(unsigned n) {
  std::string text = "program p() {\n";
  for (unsigned i = 0; i < n; ++i)
    text += "@ \"x\"\n";
  return text + "}\n";
}

/// `n` lines that are each one name-resolution error.
std::string undeclaredNames(unsigned n) {
  std::string text = "program p() {\n";
  for (unsigned i = 0; i < n; ++i)
    text += "q\n";
  return text + "}\n";
}

TEST(ParserLimitsTest, SyntaxErrorsStopAtTheLimit) {
  Parsed parsed = parse(syntaxErrors(100000), 20);
  EXPECT_EQ(parsed.errors, 20u);
  EXPECT_TRUE(parsed.limitReached);
  EXPECT_TRUE(parsed.output.ends_with("fatal error: too many errors emitted, "
                                      "stopping now [--error-limit=20]\n"));
}

TEST(ParserLimitsTest, EverySyntaxErrorWithoutALimit) {
  Parsed parsed = parse(syntaxErrors(3000), 0);
  EXPECT_EQ(parsed.errors, 3000u);
  EXPECT_FALSE(parsed.limitReached);
}

TEST(ParserLimitsTest, SemaErrorsStopAtTheLimit) {
  Parsed parsed = parse(undeclaredNames(100000), 5);
  EXPECT_EQ(parsed.errors, 5u);
  EXPECT_TRUE(parsed.limitReached);
  EXPECT_NE(parsed.output.find("t.sgl:6:1: error: use of undeclared name 'q'"),
            std::string::npos);
  EXPECT_EQ(parsed.output.find("t.sgl:7:1:"), std::string::npos);
}

TEST(ParserLimitsTest, EverySemaErrorWithoutALimit) {
  Parsed parsed = parse(undeclaredNames(3000), 0);
  EXPECT_EQ(parsed.errors, 3000u);
}

TEST(ParserLimitsTest, UnterminatedBlockCommentIsOneError) {
  // Every `/*` inside the comment used to be retried to the end of the
  // file, and each reported as a stray '/'.
  std::string text = "program p() { \"a\" }\n/*";
  for (int i = 0; i < 20000; ++i)
    text += " /* x";
  Parsed parsed = parse(text, 0);
  EXPECT_EQ(parsed.errors, 1u);
  EXPECT_TRUE(
      parsed.output.starts_with("t.sgl:2:1: error: unterminated block comment: "
                                "missing '*/' before the end of the file\n"))
      << parsed.output.substr(0, 200);
}

TEST(ParserLimitsTest, HugeTokensAreQuotedShort) {
  std::string name(100000, 'n');
  Parsed parsed = parse("program p() { " + name + " }\n", 20);
  EXPECT_EQ(parsed.errors, 1u);
  EXPECT_LT(parsed.output.size(), 1000u);
  EXPECT_NE(parsed.output.find("error: use of undeclared name 'nnnn"),
            std::string::npos);
  EXPECT_NE(parsed.output.find("more bytes)'"), std::string::npos);
}

} // namespace
