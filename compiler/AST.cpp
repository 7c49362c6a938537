//===- AST.cpp - Abstract syntax tree of .sgl programs --------------------===//

#include "compiler/AST.h"

#include <sstream>

namespace sgl::compiler {

bool StringLiteral::isConstant() const {
  for (const TextPiece &piece : pieces)
    if (piece.kind == TextPiece::Kind::Interpolation)
      return false;
  return true;
}

std::string StringLiteral::constantText() const {
  std::string text;
  for (const TextPiece &piece : pieces)
    text += piece.text;
  return text;
}

const char *OptionValue::kindName() const {
  switch (kind) {
  case Kind::Integer:
    return "an integer";
  case Kind::Float:
    return "a number";
  case Kind::String:
    return "a string";
  case Kind::StringList:
    return "a list of strings";
  }
  return "value";
}

const char *roleName(Role role) {
  switch (role) {
  case Role::System:
    return "system";
  case Role::User:
    return "user";
  case Role::Assistant:
    return "assistant";
  }
  return "user";
}

namespace {

/// Writes a string as a C-style quoted literal with escapes, so dumps stay
/// one line per node.
std::string quote(const std::string &text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\t':
      out += "\\t";
      break;
    case '\r':
      out += "\\r";
      break;
    default:
      if (c < 0x20) {
        static const char hex[] = "0123456789abcdef";
        out += "\\x";
        out += hex[c >> 4];
        out += hex[c & 15];
      } else {
        out += static_cast<char>(c);
      }
    }
  }
  return out + "\"";
}

std::string at(const SourceRange &range) {
  std::ostringstream text;
  text << "<" << range.begin.line << ":" << range.begin.col << ">";
  return text.str();
}

std::string targetText(const NameTarget &target) {
  switch (target.kind) {
  case NameTarget::Kind::Arg:
    return " -> arg #" + std::to_string(target.index);
  case NameTarget::Kind::Capture:
    return " -> capture #" + std::to_string(target.index);
  case NameTarget::Kind::Unresolved:
    return " -> unresolved";
  }
  return "";
}

class ASTDumper {
public:
  explicit ASTDumper(std::ostringstream &out) : out_(out) {}

  void dump(const Module &module) {
    line(0) << "Module\n";
    for (const Program &program : module.programs)
      dump(program);
  }

private:
  std::ostream &line(unsigned depth) {
    return out_ << std::string(depth * 2, ' ');
  }

  void dump(const Program &program) {
    line(1) << "Program " << program.name << " " << at(program.nameRange)
            << "\n";
    for (const Param &param : program.params)
      line(2) << "Param " << param.name << ": " << param.type << " "
              << at(param.range) << "\n";
    dump(program.body, 2);
  }

  void dump(const StmtList &body, unsigned depth) {
    for (const auto &stmt : body)
      dump(*stmt, depth);
  }

  void dump(const StringLiteral &literal, unsigned depth) {
    for (const TextPiece &piece : literal.pieces) {
      if (piece.kind == TextPiece::Kind::Literal)
        line(depth) << "Literal " << quote(piece.text) << "\n";
      else
        line(depth) << "Interpolation " << piece.ref.name
                    << targetText(piece.ref.target) << " " << at(piece.range)
                    << "\n";
    }
  }

  void dump(const OptionValue &value, const std::string &name, unsigned depth) {
    std::ostream &os = line(depth) << "Option " << name << " = ";
    switch (value.kind) {
    case OptionValue::Kind::Integer:
      os << value.integer << "\n";
      return;
    case OptionValue::Kind::Float:
      os << value.number << "\n";
      return;
    case OptionValue::Kind::String:
      os << quote(value.string.constantText()) << "\n";
      return;
    case OptionValue::Kind::StringList:
      os << "[";
      for (size_t i = 0; i < value.list.size(); ++i)
        os << (i ? ", " : "") << quote(value.list[i].constantText());
      os << "]\n";
      return;
    }
  }

  void dump(const GenConstraint &constraint, unsigned depth) {
    if (constraint.kind == GenConstraint::Kind::None)
      return;
    line(depth) << "Constraint "
                << (constraint.kind == GenConstraint::Kind::Regex
                        ? "regex"
                        : "json_schema")
                << (constraint.schemaPath.empty()
                        ? ""
                        : " from " + quote(constraint.schemaPath))
                << ", shortest output " << constraint.shortestBytes
                << " bytes\n";
  }

  void dump(const Stmt &stmt, unsigned depth) {
    if (auto *text = dynCast<TextStmt>(&stmt)) {
      line(depth) << (text->text.raw ? "RawText " : "Text ") << at(stmt.range)
                  << "\n";
      dump(text->text, depth + 1);
    } else if (auto *ref = dynCast<RefStmt>(&stmt)) {
      line(depth) << "Ref " << ref->ref.name << targetText(ref->ref.target)
                  << " " << at(stmt.range) << "\n";
    } else if (auto *gen = dynCast<GenStmt>(&stmt)) {
      line(depth) << "Gen " << gen->name << " -> capture #" << gen->captureIndex
                  << " " << at(stmt.range) << "\n";
      for (const GenOption &option : gen->options)
        dump(option.value, option.name, depth + 1);
      dump(gen->params.constraint, depth + 1);
    } else if (auto *select = dynCast<SelectStmt>(&stmt)) {
      line(depth) << "Select " << select->name << " -> capture #"
                  << select->captureIndex << " " << at(stmt.range) << "\n";
      for (const StringLiteral &choice : select->choices)
        line(depth + 1) << "Choice " << quote(choice.constantText()) << "\n";
    } else if (auto *role = dynCast<RoleStmt>(&stmt)) {
      line(depth) << "Role " << roleName(role->role) << " " << at(stmt.range)
                  << "\n";
      dump(role->body, depth + 1);
    }
  }

  std::ostringstream &out_;
};

} // namespace

std::string dumpAST(const Module &module) {
  std::ostringstream out;
  ASTDumper(out).dump(module);
  return out.str();
}

} // namespace sgl::compiler
