//===- RegexAst.h - Syntax tree of a regular expression ---------*- C++ -*-===//
//
// What the parser produces and the NFA builder consumes. Only the language
// matters, so the tree has five kinds: captures, laziness and named groups
// are gone, a literal is a one-element code point set, and `*`, `+`, `?`,
// `{m,n}` are all one Repeat. Later front ends (JSON Schema, choice lists)
// can build trees directly instead of printing patterns.
//
// Those front ends copy subtrees a lot -- a memoized schema's tree, an
// object member written into several alternatives -- and change them
// little, so a node's children are shared between its copies until one of
// them is changed (copy on write): copying a tree costs O(1).
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_CONSTRAINTS_REGEXAST_H
#define SGL_RUNTIME_CONSTRAINTS_REGEXAST_H

#include "runtime/constraints/CodePointSet.h"

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

namespace sgl::runtime::constraints {

struct RegexNode;

/// The children of a RegexNode, a vector shared by the node's copies: const
/// access reads the shared one, any other access first makes it this
/// node's own.
class RegexChildren {
public:
  RegexChildren() = default;
  RegexChildren(std::vector<RegexNode> nodes);

  bool empty() const;
  size_t size() const;
  const RegexNode *begin() const;
  const RegexNode *end() const;
  const RegexNode &operator[](size_t i) const;
  const RegexNode &front() const;
  const RegexNode &back() const;

  RegexNode *begin();
  RegexNode *end();
  RegexNode &operator[](size_t i);
  RegexNode &front();
  RegexNode &back();
  void push_back(RegexNode node);
  void reserve(size_t capacity);

private:
  /// The vector, copied first when another node shares it.
  std::vector<RegexNode> &own();

  std::shared_ptr<std::vector<RegexNode>> nodes_; ///< null when empty
};

/// One node of a regex syntax tree.
struct RegexNode {
  enum class Kind : uint8_t {
    Empty,      ///< matches only the empty string
    CodePoints, ///< one code point of `codePoints` (none when it is empty)
    Concat,     ///< the children one after another
    Alternate,  ///< any one child
    Repeat,     ///< children[0], between minCount and maxCount times
    Call,       ///< the whole of grammar rule `rule` (Grammar.h)
    Intersect,  ///< what every child matches (NfaIntersection.h); no calls
  };
  static constexpr uint32_t kUnbounded = std::numeric_limits<uint32_t>::max();

  Kind kind = Kind::Empty;
  /// Byte offset in the pattern (for a Repeat: of its quantifier), so that
  /// later errors, e.g. a repetition that is too large, can point there.
  uint32_t offset = 0;
  CodePointSet codePoints; ///< CodePoints
  RegexChildren children;  ///< Concat, Alternate, Intersect: >= 2; Repeat: 1
  uint32_t minCount = 0;   ///< Repeat
  uint32_t maxCount = 0;   ///< Repeat: >= minCount, or kUnbounded
  int32_t rule = -1;       ///< Call: index into the grammar's rules

  static RegexNode empty(uint32_t offset);
  static RegexNode set(CodePointSet codePoints, uint32_t offset);
  /// Concat or Alternate of `parts`; Empty for none, the part itself for one.
  static RegexNode concat(std::vector<RegexNode> parts, uint32_t offset);
  static RegexNode alternate(std::vector<RegexNode> parts, uint32_t offset);
  /// What all of `parts` match, the part itself for one; none may call a
  /// rule.
  static RegexNode intersect(std::vector<RegexNode> parts, uint32_t offset);
  static RegexNode repeat(RegexNode child, uint32_t minCount, uint32_t maxCount,
                          uint32_t offset);
  /// A call edge to grammar rule `rule`: only compileGrammar accepts these.
  static RegexNode call(int32_t rule, uint32_t offset);
};

inline bool RegexChildren::empty() const { return !nodes_ || nodes_->empty(); }
inline size_t RegexChildren::size() const {
  return nodes_ ? nodes_->size() : 0;
}
inline const RegexNode *RegexChildren::begin() const {
  return nodes_ ? nodes_->data() : nullptr;
}
inline const RegexNode *RegexChildren::end() const { return begin() + size(); }
inline const RegexNode &RegexChildren::operator[](size_t i) const {
  return begin()[i];
}
inline const RegexNode &RegexChildren::front() const { return begin()[0]; }
inline const RegexNode &RegexChildren::back() const { return end()[-1]; }

inline RegexNode *RegexChildren::begin() {
  return nodes_ ? own().data() : nullptr;
}
inline RegexNode *RegexChildren::end() { return begin() + size(); }
inline RegexNode &RegexChildren::operator[](size_t i) { return begin()[i]; }
inline RegexNode &RegexChildren::front() { return begin()[0]; }
inline RegexNode &RegexChildren::back() { return end()[-1]; }

} // namespace sgl::runtime::constraints

#endif // SGL_RUNTIME_CONSTRAINTS_REGEXAST_H
