//===- CodePointSet.h - Sets of Unicode code points as ranges ---*- C++ -*-===//
//
// What one position of a pattern may match: a literal, `.`, `\d`, `[^a-z]`.
// Kept as sorted, disjoint, non-adjacent inclusive ranges, so a class of any
// size costs a few ranges and two equal sets have equal ranges. A set of one
// range -- every literal character -- keeps it inline, without allocating:
// syntax trees hold and copy thousands of those.
//
// A set may hold surrogates (U+D800..U+DFFF) when a range spans them, e.g.
// `[\x{D000}-\x{E000}]`; they are not Unicode scalar values, have no UTF-8
// encoding and never match (the UTF-8 splitter leaves them out).
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_CONSTRAINTS_CODEPOINTSET_H
#define SGL_RUNTIME_CONSTRAINTS_CODEPOINTSET_H

#include <span>
#include <vector>

namespace sgl::runtime::constraints {

/// The largest Unicode code point.
inline constexpr char32_t kMaxCodePoint = 0x10FFFF;

/// An inclusive range of code points, lo <= hi.
struct CodePointRange {
  char32_t lo;
  char32_t hi;

  bool operator==(const CodePointRange &) const = default;
};

/// A set of code points; see the file comment.
class CodePointSet {
public:
  /// The empty set.
  CodePointSet() = default;

  static CodePointSet single(char32_t cp) { return range(cp, cp); }
  static CodePointSet range(char32_t lo, char32_t hi);
  /// Every Unicode scalar value: U+0000..U+10FFFF without the surrogates.
  static CodePointSet allScalars();

  /// Adds [lo, hi] (lo <= hi <= kMaxCodePoint).
  void add(char32_t lo, char32_t hi);
  void add(const CodePointSet &other);

  /// The scalar values not in this set (never contains a surrogate).
  CodePointSet complement() const;

  bool contains(char32_t cp) const;
  bool empty() const { return !hasSingle_ && many_.empty(); }
  std::span<const CodePointRange> ranges() const {
    if (!many_.empty())
      return many_;
    return {&single_, hasSingle_ ? 1u : 0u};
  }

  bool operator==(const CodePointSet &other) const;

private:
  /// The ranges, sorted, disjoint and non-adjacent: in `many_` once a
  /// second one was added, else `single_` when `hasSingle_`.
  std::vector<CodePointRange> many_;
  CodePointRange single_{0, 0};
  bool hasSingle_ = false;
};

} // namespace sgl::runtime::constraints

#endif // SGL_RUNTIME_CONSTRAINTS_CODEPOINTSET_H
