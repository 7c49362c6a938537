//===- GenConstraintCheck.cpp - regex: and json_schema: of a gen ----------===//
//
// The engine reports a regex error as "regex: <byte offset>: <what>"; the
// offset is mapped back through the literal's escapes so the caret lands
// on the offending byte of the source. Schema errors ("<JSON pointer>:
// <what>") point at the option's value.
//
//===----------------------------------------------------------------------===//
#include "compiler/GenConstraintCheck.h"

#include "compiler/LiteralOffsets.h"
#include "runtime/constraints/Constraint.h"
#include "runtime/constraints/JsonSchema.h"
#include "runtime/support/InputFile.h"

#include <charconv>
#include <filesystem>
#include <string_view>

namespace sgl::compiler {

namespace {

namespace rc = sgl::runtime::constraints;

/// A schema file may be at most this large; real ones are kilobytes.
constexpr uint64_t kJsonSchemaFileLimit = 16 * kMiB;

const char *optionName(GenConstraint::Kind kind) {
  return kind == GenConstraint::Kind::Regex ? "regex" : "json_schema";
}

const GenOption *findOption(const GenStmt &gen, std::string_view name) {
  for (const GenOption &option : gen.options)
    if (option.name == name)
      return &option;
  return nullptr;
}

/// "regex: 12: what" split into 12 and "what"; messages about the whole
/// pattern ("regex: automaton exceeds ...") have no offset.
struct RegexError {
  std::optional<size_t> offset;
  std::string what;
};

RegexError splitRegexError(std::string_view message) {
  constexpr std::string_view kPrefix = "regex: ";
  if (message.substr(0, kPrefix.size()) == kPrefix)
    message.remove_prefix(kPrefix.size());
  size_t digits = 0;
  while (digits < message.size() && message[digits] >= '0' &&
         message[digits] <= '9')
    ++digits;
  size_t offset = 0;
  if (digits == 0 || message.substr(digits, 2) != ": " ||
      std::from_chars(message.data(), message.data() + digits, offset).ec !=
          std::errc())
    return {std::nullopt, std::string(message)};
  return {offset, std::string(message.substr(digits + 2))};
}

/// A schema written inline starts with `{`; anything else names a file.
bool isInlineSchema(std::string_view text) {
  size_t first = text.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && text[first] == '{';
}

/// `path` relative to the directory of the .sgl file (the working
/// directory for standard input).
std::string resolveSchemaPath(const std::string &sourceName,
                              const std::string &path) {
  namespace fs = std::filesystem;
  fs::path written(path);
  if (written.is_absolute() || sourceName == "<stdin>")
    return written.string();
  return (fs::path(sourceName).parent_path() / written)
      .lexically_normal()
      .string();
}

class ConstraintChecker {
public:
  ConstraintChecker(GenStmt &gen, DiagnosticEngine &diags)
      : gen_(gen), constraint_(gen.params.constraint), diags_(diags),
        option_(findOption(gen, optionName(constraint_.kind))) {}

  void check() {
    if (const GenOption *stop = findOption(gen_, "stop")) {
      if (constraint_.fromType) {
        diags_.error(stop->nameRange, "a typed gen cannot have 'stop': its "
                                      "type decides where the output ends");
        diags_.note(constraint_.valueRange, "the type is here");
      } else {
        diags_.error(stop->nameRange,
                     std::string("a gen with a '") + option_->name +
                         "' constraint cannot have 'stop': the constraint "
                         "decides where the output ends");
        diags_.note(option_->nameRange, "the constraint is here");
      }
    }
    Expected<std::shared_ptr<rc::Constraint>> compiled =
        constraint_.kind == GenConstraint::Kind::Regex ? compileRegex()
                                                       : compileSchema();
    if (!compiled)
      return;
    constraint_.shortestBytes = (*compiled)->shortestBytes();
    warnAboutBudget();
  }

private:
  Expected<std::shared_ptr<rc::Constraint>> compileRegex() {
    auto compiled = rc::Constraint::fromRegex(constraint_.text);
    if (compiled)
      return compiled;
    RegexError error = splitRegexError(compiled.error().message);
    SourceRange where = constraint_.valueRange;
    if (error.offset) {
      where.begin = sourceLocOfDecodedByte(option_->value.string,
                                           diags_.sources(), *error.offset);
      where.end = where.begin;
      ++where.end.col;
    }
    diags_.error(where, "invalid regex: " + error.what);
    return compiled;
  }

  Expected<std::shared_ptr<rc::Constraint>> compileSchema() {
    if (constraint_.fromType) {
      // The schema is made from a checked type, so only the engine's limits
      // (its size, its states) or a type no value has can refuse it.
      auto compiled = rc::compileJsonSchema(constraint_.text);
      if (!compiled)
        diags_.error(constraint_.valueRange, "this type cannot be generated: " +
                                                 compiled.error().message);
      return compiled;
    }
    std::string origin;
    if (!isInlineSchema(constraint_.text)) {
      constraint_.schemaPath = constraint_.text;
      const std::string path = resolveSchemaPath(
          diags_.sources().name(constraint_.valueRange.begin.file),
          constraint_.schemaPath);
      Expected<std::string> text =
          readInputFile(path, {"JSON Schema file", kJsonSchemaFileLimit});
      if (!text) {
        diags_.error(constraint_.valueRange,
                     "cannot read the JSON Schema: " + text.error().message);
        return text.error();
      }
      constraint_.text = text.take();
      origin = " in " + quoteSource(constraint_.schemaPath);
    }
    auto compiled = rc::compileJsonSchema(constraint_.text);
    if (!compiled)
      diags_.error(constraint_.valueRange, "invalid JSON Schema" + origin +
                                               ": " + compiled.error().message);
    return compiled;
  }

  /// The runtime's masks promise acceptance only when the bytes still
  /// needed fit one per token left (docs/constraints.md, "Budgets"), so a
  /// budget below the shortest output in bytes may end the gen unaccepted.
  void warnAboutBudget() {
    const GenOption *maxTokens = findOption(gen_, "max_tokens");
    if (!maxTokens || !gen_.params.maxTokens ||
        *gen_.params.maxTokens >= constraint_.shortestBytes)
      return;
    diags_.warning(
        maxTokens->value.range,
        "the shortest output this " +
            std::string(constraint_.fromType ? "type"
                        : constraint_.kind == GenConstraint::Kind::Regex
                            ? "regex"
                            : "JSON Schema") +
            " accepts is " + std::to_string(constraint_.shortestBytes) +
            " bytes; max_tokens " + std::to_string(*gen_.params.maxTokens) +
            " may cut it off");
    diags_.note(constraint_.valueRange, constraint_.fromType
                                            ? "the type is here"
                                            : "the constraint is here");
  }

  GenStmt &gen_;
  GenConstraint &constraint_;
  DiagnosticEngine &diags_;
  const GenOption *option_;
};

} // namespace

void checkGenConstraint(GenStmt &gen, DiagnosticEngine &diags) {
  if (gen.params.constraint.kind == GenConstraint::Kind::None)
    return;
  ConstraintChecker(gen, diags).check();
}

} // namespace sgl::compiler
