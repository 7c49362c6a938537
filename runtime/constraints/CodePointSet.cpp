//===- CodePointSet.cpp - Sets of Unicode code points as ranges -----------===//
#include "runtime/constraints/CodePointSet.h"

#include <algorithm>
#include <cassert>

namespace sgl::runtime::constraints {

namespace {
// The scalar values around the surrogates U+D800..U+DFFF.
constexpr char32_t kBeforeSurrogates = 0xD7FF;
constexpr char32_t kAfterSurrogates = 0xE000;
} // namespace

CodePointSet CodePointSet::range(char32_t lo, char32_t hi) {
  CodePointSet set;
  set.add(lo, hi);
  return set;
}

CodePointSet CodePointSet::allScalars() {
  CodePointSet set;
  set.add(0, kBeforeSurrogates);
  set.add(kAfterSurrogates, kMaxCodePoint);
  return set;
}

void CodePointSet::add(char32_t lo, char32_t hi) {
  assert(lo <= hi && hi <= kMaxCodePoint && "not a code point range");
  // The first range that overlaps or touches [lo, hi] ...
  auto first = std::lower_bound(
      ranges_.begin(), ranges_.end(), lo,
      [](const CodePointRange &r, char32_t value) { return r.hi + 1 < value; });
  // ... and the first one past it; everything between merges into one.
  auto last = first;
  while (last != ranges_.end() && last->lo <= hi + 1) {
    lo = std::min(lo, last->lo);
    hi = std::max(hi, last->hi);
    ++last;
  }
  first = ranges_.erase(first, last);
  ranges_.insert(first, CodePointRange{lo, hi});
}

void CodePointSet::add(const CodePointSet &other) {
  for (const CodePointRange &r : other.ranges_)
    add(r.lo, r.hi);
}

CodePointSet CodePointSet::complement() const {
  CodePointSet result;
  char32_t next = 0; // the smallest code point not yet decided
  bool done = false;
  for (const CodePointRange &r : ranges_) {
    if (r.lo > next)
      result.add(next, r.lo - 1);
    if (r.hi == kMaxCodePoint) {
      done = true;
      break;
    }
    next = r.hi + 1;
  }
  if (!done)
    result.add(next, kMaxCodePoint);
  // Intersect with the scalar values: surrogates are never in a complement.
  CodePointSet scalars;
  for (const CodePointRange &r : result.ranges_) {
    if (r.lo <= kBeforeSurrogates)
      scalars.add(r.lo, std::min(r.hi, kBeforeSurrogates));
    if (r.hi >= kAfterSurrogates)
      scalars.add(std::max(r.lo, kAfterSurrogates), r.hi);
  }
  return scalars;
}

bool CodePointSet::contains(char32_t cp) const {
  auto it = std::lower_bound(
      ranges_.begin(), ranges_.end(), cp,
      [](const CodePointRange &r, char32_t value) { return r.hi < value; });
  return it != ranges_.end() && it->lo <= cp;
}

} // namespace sgl::runtime::constraints
