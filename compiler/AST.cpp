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
  case Kind::Name:
    return "a name";
  }
  return "value";
}

std::string typeName(const Type &type) {
  switch (type.kind) {
  case Type::Kind::Error:
    return "<error>";
  case Type::Kind::Str:
    return "str";
  case Type::Kind::Int:
    return "int";
  case Type::Kind::Number:
    return "number";
  case Type::Kind::Bool:
    return "bool";
  case Type::Kind::List: {
    // Built by appending: g++ 12 warns (-Wrestrict, falsely) on
    // `"[" + std::string&&`.
    std::string name = "[";
    if (!type.element.empty())
      name += typeName(type.element[0]);
    name += ']';
    return name;
  }
  case Type::Kind::Json: {
    if (!type.fork && !type.call)
      return "json";
    // A branch of a fork or a call's result: {capture: type, ...}.
    std::string name = "{";
    const char *separator = "";
    for (const OutputField &field :
         type.fork ? type.fork->fields : type.call->outputs) {
      name += separator;
      name += field.name + ": " + typeName(field.type);
      separator = ", ";
    }
    name += '}';
    return name;
  }
  }
  return "<error>";
}

const char *selectMethodName(SelectMethod method) {
  switch (method) {
  case SelectMethod::Normalized:
    return "normalized";
  case SelectMethod::Greedy:
    return "greedy";
  case SelectMethod::Unconditional:
    return "unconditional";
  }
  return "normalized";
}

const char *opSpelling(Expr::Op op) {
  switch (op) {
  case Expr::Op::Add:
    return "+";
  case Expr::Op::Sub:
    return "-";
  case Expr::Op::Mul:
    return "*";
  case Expr::Op::Div:
    return "/";
  case Expr::Op::Mod:
    return "%";
  case Expr::Op::Eq:
    return "==";
  case Expr::Op::Ne:
    return "!=";
  case Expr::Op::Lt:
    return "<";
  case Expr::Op::Le:
    return "<=";
  case Expr::Op::Gt:
    return ">";
  case Expr::Op::Ge:
    return ">=";
  case Expr::Op::In:
    return "in";
  case Expr::Op::And:
    return "and";
  case Expr::Op::Or:
    return "or";
  }
  return "?";
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
    return " -> capture #" + std::to_string(target.index) +
           (target.asList ? " (list)" : "");
  case NameTarget::Kind::LoopVar:
    return " -> loop var #" + std::to_string(target.index);
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
            << (program.imported ? " imported" : "") << "\n";
    for (const Param &param : program.params) {
      line(2) << "Param " << param.name << ": "
              << std::string(param.typeRef.listDepth, '[') << param.typeRef.name
              << std::string(param.typeRef.listDepth, ']') << " "
              << at(param.range) << "\n";
      for (const Expr &value : param.defaultValue) {
        line(3) << "Default\n";
        dump(value, 4);
      }
    }
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
      else {
        line(depth) << "Interpolation " << at(piece.range) << "\n";
        dump(piece.expr.front(), depth + 1);
      }
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
    case OptionValue::Kind::Name:
      os << value.name << "\n";
      return;
    }
  }

  void dump(const GenConstraint &constraint, unsigned depth) {
    if (constraint.kind == GenConstraint::Kind::None)
      return;
    if (constraint.fromType) {
      line(depth) << "Constraint type " << constraint.text
                  << ", shortest output " << constraint.shortestBytes
                  << " bytes\n";
      return;
    }
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
    } else if (auto *append = dynCast<AppendStmt>(&stmt)) {
      line(depth) << "Append " << at(stmt.range) << "\n";
      dump(append->value, depth + 1);
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
      for (const GenOption &option : select->options)
        dump(option.value, option.name, depth + 1);
    } else if (auto *role = dynCast<RoleStmt>(&stmt)) {
      line(depth) << "Role " << roleName(role->role) << " " << at(stmt.range)
                  << "\n";
      dump(role->body, depth + 1);
    } else if (auto *ifStmt = dynCast<IfStmt>(&stmt)) {
      line(depth) << "If " << at(stmt.range) << "\n";
      for (const IfStmt::Arm &arm : ifStmt->arms) {
        line(depth + 1) << "Condition\n";
        dump(arm.condition, depth + 2);
        line(depth + 1) << "Then\n";
        dump(arm.body, depth + 2);
      }
      if (!ifStmt->elseBody.empty()) {
        line(depth + 1) << "Else\n";
        dump(ifStmt->elseBody, depth + 2);
      }
    } else if (auto *forStmt = dynCast<ForStmt>(&stmt)) {
      line(depth) << "For " << forStmt->var << " -> loop var #"
                  << forStmt->varIndex << " " << at(stmt.range) << "\n";
      dump(forStmt->iterable, depth + 1);
      for (const Expr &end : forStmt->rangeEnd) {
        line(depth + 1) << "RangeEnd\n";
        dump(end, depth + 2);
      }
      line(depth + 1) << "Body\n";
      dump(forStmt->body, depth + 2);
    } else if (dynCast<BreakStmt>(&stmt)) {
      line(depth) << "Break " << at(stmt.range) << "\n";
    } else if (auto *fork = dynCast<ForkStmt>(&stmt)) {
      line(depth) << "Fork " << fork->name << " -> capture #"
                  << fork->captureIndex << ", index "
                  << (fork->var.empty() ? "(unnamed)" : fork->var)
                  << " -> loop var #" << fork->varIndex << " " << at(stmt.range)
                  << "\n";
      dump(fork->count, depth + 1);
      line(depth + 1) << "Body\n";
      dump(fork->body, depth + 2);
    } else if (auto *call = dynCast<CallStmt>(&stmt)) {
      line(depth) << "Call " << call->name << " -> capture #"
                  << call->captureIndex << " = " << call->callee << " "
                  << at(stmt.range) << "\n";
      for (const CallArg &arg : call->args) {
        line(depth + 1) << "Arg" << (arg.name.empty() ? "" : " " + arg.name)
                        << "\n";
        dump(arg.value, depth + 2);
      }
    }
  }

  void dump(const Expr &expr, unsigned depth) {
    std::ostream &os = line(depth);
    switch (expr.kind) {
    case Expr::Kind::Name:
      os << "Name " << expr.name << targetText(expr.target);
      break;
    case Expr::Kind::Int:
      os << "Int " << expr.integer;
      break;
    case Expr::Kind::Float:
      os << "Float " << expr.number;
      break;
    case Expr::Kind::Bool:
      os << "Bool " << (expr.boolean ? "true" : "false");
      break;
    case Expr::Kind::String:
      os << "String " << at(expr.range) << " : " << typeName(expr.type) << "\n";
      dump(expr.string, depth + 1);
      return;
    case Expr::Kind::List:
      os << "List";
      break;
    case Expr::Kind::Field:
      os << "Field " << expr.name;
      break;
    case Expr::Kind::Index:
      os << "Index";
      break;
    case Expr::Kind::Call:
      os << "Call " << expr.name;
      break;
    case Expr::Kind::Neg:
      os << "Neg";
      break;
    case Expr::Kind::Not:
      os << "Not";
      break;
    case Expr::Kind::Binary:
      os << "Binary " << opSpelling(expr.op);
      break;
    }
    os << " " << at(expr.range) << " : " << typeName(expr.type) << "\n";
    for (const Expr &operand : expr.operands)
      dump(operand, depth + 1);
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
