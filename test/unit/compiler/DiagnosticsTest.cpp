//===- DiagnosticsTest.cpp - Error limit and message hygiene --------------===//
#include "compiler/Diagnostics.h"

#include <gtest/gtest.h>

#include <sstream>

using namespace sgl::compiler;

namespace {

/// Counts occurrences of `needle` in `text`.
size_t count(const std::string &text, const std::string &needle) {
  size_t n = 0;
  for (size_t pos = text.find(needle); pos != std::string::npos;
       pos = text.find(needle, pos + 1))
    ++n;
  return n;
}

class DiagnosticsTest : public ::testing::Test {
protected:
  DiagnosticsTest() {
    file = sources.addBuffer("t.sgl", "program p() { x }\n");
  }

  SourceRange at(uint32_t col) { return {{file, 1, col}, {file, 1, col + 1}}; }

  SourceManager sources;
  uint32_t file;
  std::ostringstream out;
  DiagnosticEngine diags{sources, out};
};

TEST_F(DiagnosticsTest, DefaultLimitIsTwenty) {
  EXPECT_EQ(diags.errorLimit(), 20u);
  for (int i = 0; i < 1000; ++i)
    diags.error(at(15), "use of undeclared name 'x'");
  EXPECT_EQ(diags.errorCount(), 20u);
  EXPECT_TRUE(diags.errorLimitReached());
  EXPECT_EQ(count(out.str(), "error: use of undeclared name"), 20u);
  EXPECT_EQ(count(out.str(),
                  "fatal error: too many errors emitted, stopping now "
                  "[--error-limit=20]\n"),
            1u);
  // The fatal line is the last thing printed.
  EXPECT_TRUE(out.str().ends_with("[--error-limit=20]\n"));
}

TEST_F(DiagnosticsTest, ExactlyTheLimitIsNotFatal) {
  diags.setErrorLimit(3);
  for (int i = 0; i < 3; ++i)
    diags.error(at(15), "e");
  EXPECT_FALSE(diags.errorLimitReached());
  EXPECT_EQ(count(out.str(), "fatal error"), 0u);
  diags.error(at(15), "e");
  EXPECT_TRUE(diags.errorLimitReached());
  EXPECT_EQ(diags.errorCount(), 3u);
}

TEST_F(DiagnosticsTest, ZeroMeansNoLimit) {
  diags.setErrorLimit(0);
  for (int i = 0; i < 5000; ++i)
    diags.error(at(15), "e");
  EXPECT_EQ(diags.errorCount(), 5000u);
  EXPECT_FALSE(diags.errorLimitReached());
  EXPECT_EQ(count(out.str(), "fatal error"), 0u);
}

TEST_F(DiagnosticsTest, NothingIsPrintedPastTheLimit) {
  diags.setErrorLimit(1);
  diags.error(at(15), "first");
  diags.note(at(1), "note of the first");
  diags.error(at(15), "second");
  diags.note(at(1), "note of the second");
  diags.report(Severity::Warning, at(1), "a warning");
  EXPECT_EQ(count(out.str(), "note of the first"), 1u);
  EXPECT_EQ(count(out.str(), "second"), 0u);
  EXPECT_EQ(count(out.str(), "warning"), 0u);
}

TEST_F(DiagnosticsTest, WarningsAndNotesDoNotCount) {
  diags.setErrorLimit(1);
  for (int i = 0; i < 10; ++i) {
    diags.note(at(1), "n");
    diags.report(Severity::Warning, at(1), "w");
  }
  EXPECT_EQ(diags.errorCount(), 0u);
  EXPECT_FALSE(diags.errorLimitReached());
}

TEST_F(DiagnosticsTest, MessagesAreOneLine) {
  diags.error(at(15), std::string("bad \0 and\nnew line", 18));
  EXPECT_EQ(out.str(), "t.sgl:1:15: error: bad \\x00 and\\nnew line\n"
                       "program p() { x }\n"
                       "              ^\n");
}

TEST_F(DiagnosticsTest, HugeMessagesAreCut) {
  diags.error(at(15), std::string(100000, 'm'));
  EXPECT_LT(out.str().size(), 2000u);
  EXPECT_NE(out.str().find("more bytes)"), std::string::npos);
}

TEST_F(DiagnosticsTest, FileNamesAreEscaped) {
  uint32_t odd = sources.addBuffer("a\nb.sgl", "x\n");
  diags.error({{odd, 1, 1}, {odd, 1, 2}}, "e");
  EXPECT_EQ(out.str().substr(0, out.str().find(": error")), "a\\nb.sgl:1:1");
}

TEST(QuoteSourceTest, EscapesAndCuts) {
  EXPECT_EQ(quoteSource("abc"), "'abc'");
  EXPECT_EQ(quoteSource(std::string_view("\0", 1)), "'\\x00'");
  EXPECT_EQ(quoteSource("\n"), "'\\n'");
  std::string shown = quoteSource(std::string(1000, 'a'));
  EXPECT_LT(shown.size(), 100u);
  EXPECT_TRUE(shown.ends_with("... (936 more bytes)'")) << shown;
}

} // namespace
