//===- JsonNumberRegex.h - Numbers within bounds as syntax trees -*- C++
//-*-===//
//
// `minimum`, `maximum` and their exclusive forms become digit-by-digit
// trees: the integers 10..255 are 1[0-9]|[2-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|
// 25[0-5]. What a schema bound means is what Python's jsonschema computes:
// an integer instance is compared exactly, a fractional one after json.loads
// rounded it to a double. So a fractional spelling is accepted when every
// text at least as large as the smallest double within the bound rounds to
// a double within it, which makes the accepted texts a subset of the valid
// ones however they round.
//
// Accepted spellings: integers -?(0|[1-9][0-9]*) (within int64); decimals
// -?I.F; and exponent forms d(.d+)?e-XX (|x| < 1e-4) and d(.d+)?e+XX
// (|x| >= 1e16), as repr() writes floats there, when the bounds leave the
// whole of such a range in.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_CONSTRAINTS_JSONNUMBERREGEX_H
#define SGL_RUNTIME_CONSTRAINTS_JSONNUMBERREGEX_H

#include "runtime/constraints/RegexAst.h"

#include <cstdint>
#include <optional>
#include <string>

namespace sgl::runtime::constraints {

/// One side of a range: `value` (exact for int64, uint64 and doubles) and
/// whether the bound itself is excluded.
struct NumberBound {
  long double value = 0;
  bool exclusive = false;
};

/// Canonical decimal spellings of the non-negative integers from `lo` to
/// `hi` (both canonical digit strings; no `hi`: unbounded).
RegexNode unsignedRange(const std::string &lo,
                        const std::optional<std::string> &hi);

/// Integer spellings of lo..hi (lo <= hi).
RegexNode integerRange(int64_t lo, int64_t hi);

/// The integers within the bounds, as spellings; no bound on a side: the
/// int64 limit there. With `integralFloats` also "N.0" for those N of 15
/// digits at most, whose double json.loads makes N exactly (an integer to
/// jsonschema from draft 6 on). Nothing when no int64 is within.
RegexNode integersWithin(const std::optional<NumberBound> &lower,
                         const std::optional<NumberBound> &upper,
                         bool integralFloats = false);

/// Every spelling (see the file comment) of numbers within the bounds.
RegexNode numbersWithin(const std::optional<NumberBound> &lower,
                        const std::optional<NumberBound> &upper);

} // namespace sgl::runtime::constraints

#endif // SGL_RUNTIME_CONSTRAINTS_JSONNUMBERREGEX_H
