//===- Sema.cpp - Name resolution and checks on the AST -------------------===//

#include "compiler/Sema.h"
#include "compiler/GenOptions.h"

#include <map>
#include <set>

namespace sgl::compiler {

namespace {

/// Checks one program. Names are visible from the statement after their
/// declaration on, in program order, across role blocks.
class ProgramChecker {
public:
  ProgramChecker(Program &program, DiagnosticEngine &diags)
      : program_(program), diags_(diags) {}

  void check() {
    for (unsigned i = 0;
         i < program_.params.size() && !diags_.errorLimitReached(); ++i)
      declareParam(program_.params[i], i);
    collectLaterCaptures(program_.body);
    checkBody(program_.body, /*enclosingRole=*/nullptr);
  }

private:
  struct Declaration {
    NameTarget target;
    SourceRange range;
  };

  void declareParam(const Param &param, unsigned index) {
    if (param.type != "str")
      diags_.error(param.typeRange, "unknown type " + quoteSource(param.type) +
                                        " for argument " +
                                        quoteSource(param.name) +
                                        "; arguments are of type 'str'");
    declare(param.name, param.range, {NameTarget::Kind::Arg, index});
  }

  /// Records a name; reports a redefinition and returns false if taken.
  bool declare(const std::string &name, SourceRange range, NameTarget target) {
    auto [it, inserted] = scope_.emplace(name, Declaration{target, range});
    if (inserted)
      return true;
    diags_.error(range, "redefinition of " + quoteSource(name));
    diags_.note(it->second.range, "previous definition is here");
    return false;
  }

  /// Remembers every capture name so a use before its gen can say so.
  void collectLaterCaptures(const StmtList &body) {
    for (const auto &stmt : body) {
      if (auto *gen = dynCast<GenStmt>(stmt.get()))
        laterCaptures_.insert(gen->name);
      else if (auto *select = dynCast<SelectStmt>(stmt.get()))
        laterCaptures_.insert(select->name);
      else if (auto *role = dynCast<RoleStmt>(stmt.get()))
        collectLaterCaptures(role->body);
    }
  }

  void resolve(NameRef &ref) {
    auto it = scope_.find(ref.name);
    if (it != scope_.end()) {
      ref.target = it->second.target;
      return;
    }
    if (laterCaptures_.count(ref.name))
      diags_.error(ref.range, "use of " + quoteSource(ref.name) +
                                  " before it is generated");
    else
      diags_.error(ref.range,
                   "use of undeclared name " + quoteSource(ref.name));
  }

  void resolve(StringLiteral &literal) {
    for (TextPiece &piece : literal.pieces)
      if (piece.kind == TextPiece::Kind::Interpolation &&
          !diags_.errorLimitReached())
        resolve(piece.ref);
  }

  unsigned addCapture(const std::string &name, SourceRange range) {
    unsigned index = static_cast<unsigned>(program_.captures.size());
    if (declare(name, range, {NameTarget::Kind::Capture, index}))
      program_.captures.push_back(Capture{name, range});
    return index;
  }

  void checkSelect(SelectStmt &select) {
    if (select.choices.empty())
      diags_.error(select.choicesRange,
                   "select " + quoteSource(select.name) + " has no choices");
    std::map<std::string, SourceRange> seen;
    for (const StringLiteral &choice : select.choices) {
      if (diags_.errorLimitReached())
        return;
      if (!choice.isConstant()) {
        diags_.error(choice.range, "select choices must be constant strings");
        continue;
      }
      auto [it, inserted] = seen.emplace(choice.constantText(), choice.range);
      if (!inserted) {
        diags_.error(choice.range,
                     "duplicate choice in select " + quoteSource(select.name));
        diags_.note(it->second, "first listed here");
      }
    }
    select.captureIndex = addCapture(select.name, select.nameRange);
  }

  void checkBody(StmtList &body, const RoleStmt *enclosingRole) {
    for (auto &stmt : body) {
      // Nothing more would be shown; stop checking.
      if (diags_.errorLimitReached())
        return;
      if (auto *text = dynCast<TextStmt>(stmt.get())) {
        resolve(text->text);
      } else if (auto *ref = dynCast<RefStmt>(stmt.get())) {
        resolve(ref->ref);
      } else if (auto *gen = dynCast<GenStmt>(stmt.get())) {
        checkGenOptions(*gen, diags_);
        gen->captureIndex = addCapture(gen->name, gen->nameRange);
      } else if (auto *select = dynCast<SelectStmt>(stmt.get())) {
        checkSelect(*select);
      } else if (auto *role = dynCast<RoleStmt>(stmt.get())) {
        if (enclosingRole) {
          diags_.error(role->keywordRange, "role blocks cannot be nested");
          diags_.note(enclosingRole->keywordRange,
                      std::string("inside this '") +
                          roleName(enclosingRole->role) + "' block");
        }
        checkBody(role->body, role);
      }
    }
  }

  Program &program_;
  DiagnosticEngine &diags_;
  std::map<std::string, Declaration> scope_;
  std::set<std::string> laterCaptures_;
};

} // namespace

bool checkModule(Module &module, DiagnosticEngine &diags) {
  unsigned errorsBefore = diags.errorCount();
  std::map<std::string, const Program *> programs;
  for (Program &program : module.programs) {
    if (diags.errorLimitReached())
      break;
    auto [it, inserted] = programs.emplace(program.name, &program);
    if (!inserted) {
      diags.error(program.nameRange,
                  "redefinition of program " + quoteSource(program.name));
      diags.note(it->second->nameRange, "previous definition is here");
    }
    ProgramChecker(program, diags).check();
  }
  return diags.errorCount() == errorsBefore && !diags.errorLimitReached();
}

} // namespace sgl::compiler
