//===- Parser.cpp - .sgl source to AST ------------------------------------===//
//
// The ANTLR boundary: the runtime may throw, so everything that touches it
// runs inside one try block and any escape becomes a located diagnostic.
//
//===----------------------------------------------------------------------===//

#include "compiler/Parser.h"
#include "compiler/parse/ASTBuilder.h"
#include "compiler/parse/SourceMap.h"

#include "SGL.h"
#include "SGLLexer.h"
#include "antlr4-runtime.h"

#include <algorithm>
#include <set>

namespace sgl::compiler {

namespace {

using antlr::SGL;
using antlr::SGLLexer;

/// Quotes a token for a message: `'gen'`, `end of file`, ... Token text
/// is source text: quoteSource() escapes it and cuts a long one short.
std::string describeToken(const antlr4::Token *token) {
  if (token->getType() == antlr4::Token::EOF)
    return "end of file";
  std::string text = token->getText();
  if (text == "\n" || text == "\r")
    return "end of line";
  return quoteSource(text);
}

/// Reports ANTLR syntax errors as clang-style diagnostics with messages that
/// name the construct rather than ANTLR's token sets.
class DiagnosticErrorListener : public antlr4::BaseErrorListener {
public:
  DiagnosticErrorListener(const parse::SourceMap &map, DiagnosticEngine &diags)
      : map_(map), diags_(diags) {}

  void syntaxError(antlr4::Recognizer *recognizer, antlr4::Token *offending,
                   size_t, size_t, const std::string &,
                   std::exception_ptr) override {
    if (!offending) {
      // Lexer errors: every character is matched by a fallback token, so
      // this only happens if the grammar leaves a character unmatched.
      // ANTLR's own message would quote the rest of the input raw.
      reportLexerError(static_cast<antlr4::Lexer *>(recognizer));
      return;
    }
    SourceRange range = map_.rangeOf(offending);
    if (offending->getType() == SGLLexer::UNTERMINATED_BLOCK_COMMENT) {
      // The token runs to the end of the file; point at the `/*`.
      size_t start = offending->getStartIndex();
      range = {map_.locAt(start), map_.locAt(start + 2)};
    }
    report(range,
           messageFor(static_cast<antlr4::Parser *>(recognizer), offending));
  }

  bool sawErrors() const { return sawErrors_; }

private:
  void reportLexerError(antlr4::Lexer *lexer) {
    size_t start = lexer->tokenStartCharIndex;
    std::string text =
        lexer->getInputStream()->getText(antlr4::misc::Interval(start, start));
    report({map_.locAt(start), map_.locAt(start + 1)},
           "unexpected character " + quoteSource(text));
  }

  void report(SourceRange range, const std::string &message) {
    sawErrors_ = true;
    // Error recovery can re-report the same position; once is enough.
    auto key = std::make_pair(range.begin.line, range.begin.col);
    if (!reported_.insert(key).second)
      return;
    diags_.error(range, message);
    // Past the error limit nothing more is shown: stop lexing and parsing
    // (caught in parseFile) instead of recovering from every later error.
    if (diags_.errorLimitReached())
      throw antlr4::ParseCancellationException();
  }

  std::string expectedText(antlr4::Parser *parser) {
    antlr4::misc::IntervalSet expected = parser->getExpectedTokens();
    const antlr4::dfa::Vocabulary &vocab = parser->getVocabulary();
    std::vector<std::string> names;
    for (ssize_t type : expected.toList()) {
      if (type == static_cast<ssize_t>(antlr4::Token::EOF))
        names.push_back("end of file");
      else if (type == SGLLexer::STR_OPEN || type == SGLLexer::RAW_STRING)
        names.push_back("a string");
      else if (type == SGLLexer::IDENT || type == SGLLexer::IDENT_I)
        names.push_back("a name");
      else if (type == SGLLexer::INT || type == SGLLexer::FLOAT)
        names.push_back("a number");
      else if (type == SGLLexer::STR_CLOSE)
        names.push_back("'\"'");
      else if (type == SGLLexer::RBRACE || type == SGLLexer::INTERP_CLOSE)
        names.push_back("'}'");
      else
        names.push_back(vocab.getLiteralName(type).empty()
                            ? vocab.getDisplayName(type)
                            : vocab.getLiteralName(type));
    }
    // Sets may list "a string" twice (quoted and raw) or "a number" twice.
    std::vector<std::string> unique;
    for (const std::string &name : names)
      if (std::find(unique.begin(), unique.end(), name) == unique.end())
        unique.push_back(name);
    if (unique.empty())
      return "";
    std::string text = unique[0];
    for (size_t i = 1; i < unique.size(); ++i)
      text += (i + 1 == unique.size() ? " or " : ", ") + unique[i];
    return text;
  }

  std::string messageFor(antlr4::Parser *parser, antlr4::Token *offending) {
    switch (offending->getType()) {
    case SGLLexer::UNKNOWN_CHAR:
      return "unexpected character " + describeToken(offending);
    case SGLLexer::UNTERMINATED_BLOCK_COMMENT:
      return "unterminated block comment: missing '*/' before the end of the "
             "file";
    case SGLLexer::STR_LONE_RBRACE:
      return "unmatched '}' in string; write '}}' for a literal brace";
    case SGLLexer::STR_NEWLINE:
      return "unterminated string: missing '\"' before the end of the line";
    case SGLLexer::STR_LONE_BACKSLASH:
      return "backslash at the end of a line is not a valid escape";
    case SGLLexer::INTERP_BAD:
      return "expected a name inside '{...}'; write '{{' for a literal brace";
    case SGLLexer::INTERP_UNCLOSED:
      return "missing '}' to close the interpolation";
    case SGLLexer::INTERP_CLOSE:
      return "expected a name inside '{...}'; write '{{' for a literal brace";
    default:
      break;
    }
    antlr4::misc::IntervalSet expected = parser->getExpectedTokens();
    if (offending->getType() == antlr4::Token::EOF &&
        expected.contains(static_cast<size_t>(SGLLexer::STR_CLOSE)))
      return "unterminated string: missing '\"' before the end of the file";
    std::string wanted = expectedText(parser);
    if (wanted.empty())
      return "unexpected " + describeToken(offending);
    return "expected " + wanted + ", found " + describeToken(offending);
  }

  const parse::SourceMap &map_;
  DiagnosticEngine &diags_;
  bool sawErrors_ = false;
  std::set<std::pair<uint32_t, uint32_t>> reported_;
};

/// Braces nested deeper than this are rejected before parsing: the
/// generated parser recurses once per level and must not exhaust the stack.
constexpr unsigned kMaxNesting = 256;

/// Reports the first brace nested deeper than kMaxNesting.
bool checkNesting(antlr4::CommonTokenStream &tokens,
                  const parse::SourceMap &map, DiagnosticEngine &diags) {
  tokens.fill();
  unsigned depth = 0;
  for (antlr4::Token *token : tokens.getTokens()) {
    if (token->getType() == SGLLexer::RBRACE && depth > 0) {
      --depth;
    } else if (token->getType() == SGLLexer::LBRACE && ++depth > kMaxNesting) {
      diags.error(map.rangeOf(token), "blocks nested deeper than " +
                                          std::to_string(kMaxNesting) +
                                          " levels");
      return false;
    }
  }
  return true;
}

} // namespace

bool parseFile(uint32_t fileId, const SourceManager &sources,
               DiagnosticEngine &diags, Module &module) {
  const std::string &text = sources.contents(fileId);
  long invalid = parse::SourceMap::firstInvalidUtf8(text);
  if (invalid >= 0) {
    SourceLoc loc =
        sources.locForOffset(fileId, static_cast<uint32_t>(invalid));
    diags.error({loc, loc}, "source file is not valid UTF-8");
    return false;
  }

  parse::SourceMap map(sources, fileId);
  try {
    antlr4::ANTLRInputStream input(text);
    SGLLexer lexer(&input);
    antlr4::CommonTokenStream tokens(&lexer);
    DiagnosticErrorListener listener(map, diags);
    lexer.removeErrorListeners();
    lexer.addErrorListener(&listener);
    if (!checkNesting(tokens, map, diags))
      return false;

    SGL parser(&tokens);
    parser.removeErrorListeners();
    parser.addErrorListener(&listener);

    SGL::FileContext *tree = parser.file();
    if (listener.sawErrors())
      return false;
    parse::ASTBuilder(map, diags).build(tree, module);
  } catch (const antlr4::ParseCancellationException &) {
    // Thrown by the listener once the error limit is reached.
    return false;
  } catch (const std::exception &error) {
    diags.error({}, std::string("internal parser error: ") + error.what());
    return false;
  }
  return true;
}

} // namespace sgl::compiler
