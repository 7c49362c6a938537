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
#include <map>
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

  /// How a token type reads in "expected ..." messages. Tokens the lexer
  /// also makes in interpolations (`not`, `(`, ...) have no literal name
  /// in the vocabulary, so their spelling comes from the lexer's own rule.
  static std::string spellingOf(size_t type,
                                const antlr4::dfa::Vocabulary &vocab) {
    std::string literal = vocab.getLiteralName(type);
    if (!literal.empty())
      return literal;
    static const std::map<size_t, std::string> spellings = {
        {SGLLexer::NOT, "'not'"},   {SGLLexer::AND, "'and'"},
        {SGLLexer::OR, "'or'"},     {SGLLexer::IN, "'in'"},
        {SGLLexer::TRUE, "'true'"}, {SGLLexer::FALSE, "'false'"},
        {SGLLexer::LPAREN, "'('"},  {SGLLexer::RPAREN, "')'"},
        {SGLLexer::LBRACK, "'['"},  {SGLLexer::RBRACK, "']'"},
        {SGLLexer::COMMA, "','"},   {SGLLexer::DOT, "'.'"},
        {SGLLexer::PLUS, "'+'"},    {SGLLexer::MINUS, "'-'"},
        {SGLLexer::STAR, "'*'"},    {SGLLexer::SLASH, "'/'"},
        {SGLLexer::PERCENT, "'%'"}, {SGLLexer::EQ, "'=='"},
        {SGLLexer::NE, "'!='"},     {SGLLexer::LE, "'<='"},
        {SGLLexer::GE, "'>='"},     {SGLLexer::LT, "'<'"},
        {SGLLexer::GT, "'>'"},      {SGLLexer::LBRACE, "'{'"}};
    auto it = spellings.find(type);
    return it != spellings.end() ? it->second : vocab.getDisplayName(type);
  }

  std::string expectedText(antlr4::Parser *parser) {
    antlr4::misc::IntervalSet expected = parser->getExpectedTokens();
    const antlr4::dfa::Vocabulary &vocab = parser->getVocabulary();
    // Where any expression may start, say so once instead of listing
    // every token that can begin one.
    const bool expression =
        expected.contains(static_cast<size_t>(SGLLexer::IDENT)) &&
        expected.contains(static_cast<size_t>(SGLLexer::INT)) &&
        expected.contains(static_cast<size_t>(SGLLexer::LPAREN)) &&
        expected.contains(static_cast<size_t>(SGLLexer::MINUS));
    std::vector<std::string> names;
    if (expression)
      names.push_back("an expression");
    for (ssize_t type : expected.toList()) {
      if (expression &&
          (type == SGLLexer::IDENT || type == SGLLexer::INT ||
           type == SGLLexer::FLOAT || type == SGLLexer::LPAREN ||
           type == SGLLexer::NOT || type == SGLLexer::TRUE ||
           type == SGLLexer::FALSE || type == SGLLexer::LBRACK ||
           type == SGLLexer::MINUS || type == SGLLexer::STR_OPEN ||
           type == SGLLexer::RAW_STRING))
        continue;
      if (type == static_cast<ssize_t>(antlr4::Token::EOF))
        names.push_back("end of file");
      else if (type == SGLLexer::STR_OPEN || type == SGLLexer::RAW_STRING)
        names.push_back("a string");
      else if (type == SGLLexer::IDENT)
        names.push_back("a name");
      else if (type == SGLLexer::INT || type == SGLLexer::FLOAT)
        names.push_back("a number");
      else if (type == SGLLexer::STR_CLOSE)
        names.push_back("'\"'");
      else if (type == SGLLexer::RBRACE || type == SGLLexer::INTERP_CLOSE)
        names.push_back("'}'");
      else
        names.push_back(spellingOf(type, vocab));
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

  static bool isComparison(size_t type) {
    return type == SGLLexer::EQ || type == SGLLexer::NE ||
           type == SGLLexer::LT || type == SGLLexer::LE ||
           type == SGLLexer::GT || type == SGLLexer::GE;
  }

  /// The type of the last comparison operator before `token` in the
  /// expression it ends (0 when a non-expression token comes first).
  static size_t previousSignificant(antlr4::Parser *parser,
                                    antlr4::Token *token) {
    antlr4::TokenStream *tokens = parser->getTokenStream();
    for (size_t i = token->getTokenIndex(); i-- > 0;) {
      size_t type = tokens->get(i)->getType();
      if (isComparison(type))
        return type;
      if (type == SGLLexer::LBRACE || type == SGLLexer::RBRACE ||
          type == SGLLexer::IF || type == SGLLexer::AND ||
          type == SGLLexer::OR || type == SGLLexer::LPAREN ||
          type == SGLLexer::INTERP_OPEN)
        return 0;
    }
    return 0;
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
      return "unexpected character " + describeToken(offending) +
             " inside '{...}'; write '{{' for a literal brace";
    case SGLLexer::INTERP_UNCLOSED:
      return "missing '}' to close the interpolation";
    case SGLLexer::INTERP_CLOSE:
      if (offending->getTokenIndex() > 0 &&
          parser->getTokenStream()
                  ->get(offending->getTokenIndex() - 1)
                  ->getType() == SGLLexer::INTERP_OPEN)
        return "expected an expression inside '{...}'; write '{{' for a "
               "literal brace";
      break;
    default:
      break;
    }
    antlr4::misc::IntervalSet expected = parser->getExpectedTokens();
    if (isComparison(offending->getType()) &&
        !expected.contains(offending->getType()) &&
        isComparison(previousSignificant(parser, offending)))
      return "comparisons do not chain; join two of them with 'and'";
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

/// Brackets nested deeper than this (blocks, parentheses, lists, indices,
/// interpolations) and runs of more prefix operators are rejected before
/// parsing: the generated parser recurses once per level and must not
/// exhaust the stack.
constexpr unsigned kMaxNesting = 256;

bool opens(size_t type) {
  return type == SGLLexer::LBRACE || type == SGLLexer::LPAREN ||
         type == SGLLexer::LBRACK || type == SGLLexer::INTERP_OPEN;
}

bool closes(size_t type) {
  return type == SGLLexer::RBRACE || type == SGLLexer::RPAREN ||
         type == SGLLexer::RBRACK || type == SGLLexer::INTERP_CLOSE;
}

/// Operators in one expression: the parse tree of `a + b + ...` is as deep
/// as its operators are many.
constexpr unsigned kMaxOperators = 1024;

bool isOperator(size_t type) {
  switch (type) {
  case SGLLexer::PLUS:
  case SGLLexer::MINUS:
  case SGLLexer::STAR:
  case SGLLexer::SLASH:
  case SGLLexer::PERCENT:
  case SGLLexer::EQ:
  case SGLLexer::NE:
  case SGLLexer::LT:
  case SGLLexer::LE:
  case SGLLexer::GT:
  case SGLLexer::GE:
  case SGLLexer::AND:
  case SGLLexer::OR:
  case SGLLexer::IN:
  case SGLLexer::DOT:
  case SGLLexer::LBRACK:
    return true;
  default:
    return false;
  }
}

/// Tokens that no expression spans: the operator count starts again there.
bool endsExpression(size_t type) {
  switch (type) {
  case SGLLexer::LBRACE:
  case SGLLexer::RBRACE:
  case SGLLexer::INTERP_OPEN:
  case SGLLexer::GEN:
  case SGLLexer::SELECT:
  case SGLLexer::IF:
  case SGLLexer::FOR:
  case SGLLexer::BREAK:
  case SGLLexer::PROGRAM:
  case SGLLexer::SYSTEM:
  case SGLLexer::USER:
  case SGLLexer::ASSISTANT:
    return true;
  default:
    return false;
  }
}

/// Reports the first bracket nested deeper than kMaxNesting, the first
/// `not`/`-` past kMaxNesting in a row, or an expression of more than
/// kMaxOperators operators.
bool checkNesting(antlr4::CommonTokenStream &tokens,
                  const parse::SourceMap &map, DiagnosticEngine &diags) {
  tokens.fill();
  unsigned depth = 0, prefixRun = 0, operators = 0;
  for (antlr4::Token *token : tokens.getTokens()) {
    const size_t type = token->getType();
    operators = endsExpression(type) ? 0 : operators + isOperator(type);
    if (operators > kMaxOperators) {
      diags.error(map.rangeOf(token), "an expression of more than " +
                                          std::to_string(kMaxOperators) +
                                          " operators");
      return false;
    }
    prefixRun =
        type == SGLLexer::NOT || type == SGLLexer::MINUS ? prefixRun + 1 : 0;
    if (prefixRun > kMaxNesting) {
      diags.error(map.rangeOf(token), "more than " +
                                          std::to_string(kMaxNesting) +
                                          " prefix operators in a row");
      return false;
    }
    if (closes(type) && depth > 0) {
      --depth;
    } else if (opens(type) && ++depth > kMaxNesting) {
      diags.error(map.rangeOf(token), "brackets nested deeper than " +
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
