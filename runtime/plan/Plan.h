//===- Plan.h - In-memory form of a compiled plan ---------------*- C++ -*-===//
//
// A plan is the one contract between sglc and sglrun. On disk it is a
// FlatBuffers buffer (Plan.fbs) with file identifier "SGLP" and a format
// version; in memory it is these plain structs, which PlanWriter serializes
// and PlanReader fills after verifying a buffer.
//
// A program is a tree of blocks of steps over numbered slots (format 2):
// slots [0, args.size()) hold the arguments, each gen/select writes its own
// slot, loops bind theirs, and expressions read them. `if` and `for` steps
// hold nested blocks; captures name the slots that form the program's JSON
// output, a capture inside a loop collecting one entry per iteration.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_PLAN_PLAN_H
#define SGL_RUNTIME_PLAN_PLAN_H

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sgl::runtime::plan {

/// Format version written by this build. A reader accepts exactly this major
/// version and any minor version up to kMinorVersion. 2.1 added min_p and
/// the penalties to GenParams, 2.2 the Fork step and Step::selectMethod.
inline constexpr uint16_t kMajorVersion = 2;
inline constexpr uint16_t kMinorVersion = 2;
/// FlatBuffers file identifier (bytes 4..8 of the file).
inline constexpr const char kFileIdentifier[] = "SGLP";

/// Nesting limits, so that no plan can overflow the stack of the reader,
/// the verifier or the evaluator (all recursive): a step of the program's
/// body is at block depth 0 and a step in a nested block one deeper; a leaf
/// expression has depth 1; a scalar type has depth 1, a list one more than
/// its element.
inline constexpr uint32_t kMaxBlockDepth = 256;
inline constexpr uint32_t kMaxExprDepth = 256;
inline constexpr uint32_t kMaxTypeDepth = 256;

enum class Role : uint8_t { System = 0, User = 1, Assistant = 2 };

/// "system", "user" or "assistant" ("?" for an out-of-range value).
const char *roleName(Role role);

/// Where a step came from in the .sgl source, for runtime error messages.
struct SourceLocation {
  std::string file;
  uint32_t line = 0;
  uint32_t col = 0;

  bool operator==(const SourceLocation &) const = default;
};

/// The type of a run-time value: of an argument, a slot, an expression.
struct ValueType {
  enum class Kind : uint8_t {
    Str,    ///< a string
    Int,    ///< a 64-bit signed integer
    Number, ///< a double
    Bool,   ///< true or false
    List,   ///< a list of `element`
    Json,   ///< a JSON value a json_schema gen wrote (object, array, ...)
  };
  Kind kind = Kind::Str;
  /// List: the element type (exactly one entry); otherwise empty.
  std::vector<ValueType> element;

  static ValueType list(ValueType element);
  bool operator==(const ValueType &) const = default;
};

/// "str", "int", "number", "bool", "[str]" (recursively), "json".
std::string typeName(const ValueType &type);

/// A constant value written in the source.
struct Literal {
  ValueType::Kind kind = ValueType::Kind::Str; ///< Str, Int, Number or Bool
  std::string str;
  int64_t integer = 0;
  double number = 0;
  bool boolean = false;

  bool operator==(const Literal &) const = default;
};

/// An expression tree, evaluated when its step runs. Operands are checked
/// by sglc (types, arity); the runtime checks them again and reports what it
/// cannot know ahead (an index out of range, a division by zero) at `loc`.
struct Expr {
  enum class Kind : uint8_t {
    Literal, ///< `literal`
    Slot,    ///< the value of `slot` (in a loop: this iteration's)
    Output,  ///< the output so far of capture number `slot` (an index into
             ///< Program::captures): after a loop, its list; read inside
             ///< loops that also hold the capture, the entry of their
             ///< current iterations (ProgramInstance.h)
    List,    ///< [operands...]
    Index,   ///< operands[0][operands[1]] (a list and an int; < 0 is an error)
    Len,     ///< len(operands[0]): a string's UTF-8 characters, a list's size
    Neg,     ///< -operands[0] (int or number)
    Add,     ///< int/number + int/number, str + str (concatenation)
    Sub,     ///< int/number arithmetic on two operands
    Mul,
    Div, ///< int: truncating; division by zero is an error
    Mod, ///< int: sign of the dividend (C++); by zero is an error
    Eq,  ///< any two values of the same type (int and number compare)
    Ne,
    Lt, ///< int/number, or str (bytewise)
    Le,
    Gt,
    Ge,
    In,  ///< operands[0] is an element of list operands[1]
    And, ///< bool, short-circuit
    Or,  ///< bool, short-circuit
    Not, ///< bool
  };
  Kind kind = Kind::Literal;
  Literal literal;
  /// Slot: the slot read; Output: the capture's index.
  uint32_t slot = 0;
  std::vector<Expr> operands;
  SourceLocation loc;

  bool operator==(const Expr &) const = default;
};

/// "literal", "slot", "output", "list", "index", "len", "neg", "add", ...:
/// the names of the JSON rendering.
const char *exprKindName(Expr::Kind kind);

/// The number of operands an expression of `kind` takes; -1: any number.
int exprArity(Expr::Kind kind);

/// What a gen's output must match (format 1.1): a regular expression or a
/// JSON Schema, as the compiler checked it; the runtime compiles it again
/// when it loads the plan.
struct GenConstraint {
  enum class Kind : uint8_t {
    None,       ///< unconstrained
    Regex,      ///< `text` is the pattern (docs/constraints.md)
    JsonSchema, ///< `text` is the schema's JSON text
  };
  Kind kind = Kind::None;
  std::string text;

  bool operator==(const GenConstraint &) const = default;
};

/// "regex", "json_schema" or "none": the names of the JSON rendering and
/// of messages.
const char *constraintKindName(GenConstraint::Kind kind);

struct GenParams {
  std::optional<uint32_t> maxTokens;
  std::vector<std::string> stop;
  std::optional<float> temperature;
  std::optional<float> topP;
  std::optional<uint32_t> topK;
  std::optional<uint64_t> seed;
  GenConstraint constraint;
  // Format 2.1.
  std::optional<float> minP;
  std::optional<float> repetitionPenalty;
  std::optional<float> frequencyPenalty;
  std::optional<float> presencePenalty;

  bool operator==(const GenParams &) const = default;
};

/// How a Select scores its choices (format 2.2; ProgramInstance.h).
enum class SelectMethod : uint8_t {
  Normalized = 0,
  Greedy = 1,
  Unconditional = 2
};

/// "normalized", "greedy" or "unconditional" ("?" out of range).
const char *selectMethodName(SelectMethod method);

struct Step;

/// A sequence of steps, run in order.
struct Block {
  std::vector<Step> steps;

  bool operator==(const Block &) const;
};

struct Step {
  enum class Kind : uint8_t {
    Text,      ///< append `text`
    Append,    ///< append the value of `expr` as text
    RoleBegin, ///< open a chat message of `role`
    RoleEnd,   ///< close the chat message of `role`
    Gen,       ///< generate into `slot` with `gen`
    Select,    ///< choose one of `choices` into `slot`
    If,        ///< run blocks[0] when `expr` is true, else blocks[1]
    ForEach,   ///< bind `slot` to each element of list `expr`, run blocks[0]
    ForRange,  ///< bind `slot` to each int in [expr, end), run blocks[0]
    Break,     ///< leave the innermost enclosing loop
    Fork,      ///< run blocks[0] as `expr` branches, each from the context
               ///< here with `branchSlot` its index; `slot` gets the list of
               ///< their objects {capture: value} of bodyCaptures
    Call,      ///< set slots branchSlot.. to the list `expr`, run blocks[0]
               ///< (a program's body, inlined) here; `slot` gets its object
               ///< {capture: value} of bodyCaptures
  };
  Kind kind = Kind::Text;
  std::string text;
  /// Gen/Select: the slot written; ForEach/ForRange: the loop variable;
  /// Fork: the branches' objects (a list of json); Call: the callee's
  /// object (json).
  uint32_t slot = 0;
  /// Fork: the branch index (an int) in its body; Call: the first of the
  /// consecutive slots of the callee's arguments.
  uint32_t branchSlot = 0;
  /// Select: how the choices are scored.
  SelectMethod selectMethod = SelectMethod::Normalized;
  Role role = Role::User;
  GenParams gen;
  std::vector<std::string> choices;
  /// Append: the value; If: the condition; ForEach: the list; ForRange:
  /// the first value; Fork: the number of branches (an int); Call: a List
  /// of the callee's arguments.
  Expr expr;
  /// ForRange: the end, excluded.
  Expr end;
  /// If: then and else (each possibly empty); loops, Fork and Call: the
  /// body.
  std::vector<Block> blocks;
  /// Loops: the captures (indices into Program::captures) made in the body
  /// at any depth (not inside a fork there), in increasing order; each gets
  /// one entry per iteration. Fork: the captures of a branch (made in its
  /// body, its loops included, not in a nested fork), in increasing order;
  /// they are not the program's outputs but fields of the branch's object.
  /// Call: the captures of the callee (likewise not in a nested fork or
  /// call), fields of its object.
  std::vector<uint32_t> bodyCaptures;
  /// The step's position in a pre-order walk of the program's steps (a
  /// block's steps in order, each followed by its blocks' steps): unique in
  /// the program, it keys a gen's constraint masks and default seed (for a
  /// straight-line program it is the step's index).
  uint32_t site = 0;
  /// Source location (absent: unknown).
  SourceLocation loc;

  bool operator==(const Step &) const = default;
};

inline bool Block::operator==(const Block &other) const {
  return steps == other.steps;
}

/// "text", "append", "role_begin", "role_end", "gen", "select", "if",
/// "for_each", "for_range", "break", "fork" or "call": the names used by the
/// JSON rendering and in error messages.
const char *stepKindName(Step::Kind kind);

/// Whether `kind` is ForEach or ForRange.
inline bool isLoop(Step::Kind kind) {
  return kind == Step::Kind::ForEach || kind == Step::Kind::ForRange;
}

/// Whether `kind` is Fork or Call: a step whose body's captures are the
/// fields of an object rather than outputs of what encloses it.
inline bool isCaptureScope(Step::Kind kind) {
  return kind == Step::Kind::Fork || kind == Step::Kind::Call;
}

/// How many blocks a step of `kind` holds: 2 for If, 1 for a loop, a Fork
/// or a Call, else 0.
inline size_t blockCount(Step::Kind kind) {
  return kind == Step::Kind::If                 ? 2
         : isLoop(kind) || isCaptureScope(kind) ? 1
                                                : 0;
}

/// Calls `fn(step)` for every step of `block` and its nested blocks in
/// pre-order (site order). Recursive: for a verified plan at most
/// kMaxBlockDepth + 1 levels deep.
template <typename Fn> void forEachStep(const Block &block, Fn &&fn) {
  for (const Step &step : block.steps) {
    fn(step);
    for (const Block &inner : step.blocks)
      forEachStep(inner, fn);
  }
}

/// A named output of a program, or a field of a fork's branches (listed by
/// the Fork's bodyCaptures): the value of one slot. A capture inside `depth`
/// loops (counted inside its fork) is that many levels of lists, one entry
/// per iteration (null for an iteration that did not reach it); a capture
/// the run never reached is null.
struct Capture {
  std::string name;
  uint32_t slot = 0;
  uint32_t depth = 0;

  bool operator==(const Capture &) const = default;
};

/// A program argument, with its default when it has one.
struct Arg {
  std::string name;
  ValueType type;
  /// The default value: a literal, or a List of literals for `[str]`.
  std::optional<Expr> defaultValue;

  bool operator==(const Arg &) const = default;
};

struct Program {
  std::string name;
  std::vector<Arg> args;
  /// Total number of slots: args, gens/selects, loop variables and forks'
  /// indices and results.
  uint32_t numSlots = 0;
  /// The type of every slot (numSlots entries).
  std::vector<ValueType> slotTypes;
  Block body;
  std::vector<Capture> captures;
  /// The number of steps in the whole tree (every Step::site is below it).
  uint32_t numSites = 0;

  bool operator==(const Program &) const = default;
};

/// Where step `site` of `program` is, for messages: "step 3" for a step of
/// the body, "step 3/then/0", "step 3/else/1", "step 5/body/2" inside an if
/// or a loop; "site N" when no step has that site.
std::string stepPath(const Program &program, uint32_t site);

/// The step of `program` at `site`; nullptr when none.
const Step *findStep(const Program &program, uint32_t site);

struct Plan {
  uint16_t majorVersion = kMajorVersion;
  uint16_t minorVersion = kMinorVersion;
  /// Free-form producer string, e.g. "sglc 0.1".
  std::string producer;
  std::vector<Program> programs;

  /// Finds a program by name; nullptr when absent.
  const Program *findProgram(const std::string &name) const;

  bool operator==(const Plan &) const = default;
};

} // namespace sgl::runtime::plan

#endif // SGL_RUNTIME_PLAN_PLAN_H
