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
  if (many_.empty()) {
    if (!hasSingle_) {
      single_ = {lo, hi};
      hasSingle_ = true;
      return;
    }
    if (lo <= single_.hi + 1 && single_.lo <= hi + 1) { // overlap or touch
      single_ = {std::min(lo, single_.lo), std::max(hi, single_.hi)};
      return;
    }
    many_.push_back(single_);
    hasSingle_ = false;
  }
  // The first range that overlaps or touches [lo, hi] ...
  auto first = std::lower_bound(
      many_.begin(), many_.end(), lo,
      [](const CodePointRange &r, char32_t value) { return r.hi + 1 < value; });
  // ... and the first one past it; everything between merges into one.
  auto last = first;
  while (last != many_.end() && last->lo <= hi + 1) {
    lo = std::min(lo, last->lo);
    hi = std::max(hi, last->hi);
    ++last;
  }
  first = many_.erase(first, last);
  many_.insert(first, CodePointRange{lo, hi});
}

void CodePointSet::add(const CodePointSet &other) {
  for (const CodePointRange &r : other.ranges())
    add(r.lo, r.hi);
}

CodePointSet CodePointSet::complement() const {
  CodePointSet result;
  char32_t next = 0; // the smallest code point not yet decided
  bool done = false;
  for (const CodePointRange &r : ranges()) {
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
  for (const CodePointRange &r : result.ranges()) {
    if (r.lo <= kBeforeSurrogates)
      scalars.add(r.lo, std::min(r.hi, kBeforeSurrogates));
    if (r.hi >= kAfterSurrogates)
      scalars.add(std::max(r.lo, kAfterSurrogates), r.hi);
  }
  return scalars;
}

bool CodePointSet::contains(char32_t cp) const {
  std::span<const CodePointRange> all = ranges();
  auto it = std::lower_bound(
      all.begin(), all.end(), cp,
      [](const CodePointRange &r, char32_t value) { return r.hi < value; });
  return it != all.end() && it->lo <= cp;
}

bool CodePointSet::operator==(const CodePointSet &other) const {
  return std::ranges::equal(ranges(), other.ranges());
}

} // namespace sgl::runtime::constraints
