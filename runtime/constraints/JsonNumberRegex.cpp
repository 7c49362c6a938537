//===- JsonNumberRegex.cpp - Numbers within bounds as syntax trees --------===//
#include "runtime/constraints/JsonNumberRegex.h"

#include "runtime/constraints/JsonTokens.h"
#include "runtime/constraints/PythonJson.h"

#include <cmath>
#include <limits>
#include <utility>
#include <vector>

namespace sgl::runtime::constraints {

namespace {

constexpr uint32_t kUnbounded = RegexNode::kUnbounded;

RegexNode digitClass(char lo, char hi) {
  return RegexNode::set(CodePointSet::range(char32_t(lo), char32_t(hi)), 0);
}
RegexNode anyDigits(uint32_t min, uint32_t max) {
  return RegexNode::repeat(digitClass('0', '9'), min, max, 0);
}
RegexNode seq(std::vector<RegexNode> parts) {
  return RegexNode::concat(std::move(parts), 0);
}
RegexNode oneOf(std::vector<RegexNode> parts) {
  if (parts.empty())
    return nothing();
  return RegexNode::alternate(std::move(parts), 0);
}
bool allOf(const std::string &text, char c) {
  return text.find_first_not_of(c) == std::string::npos;
}

/// Digit strings of one length d from x to y (x <= y; leading zeros are
/// ordinary digits here).
RegexNode sameLength(const std::string &x, const std::string &y) {
  if (x.empty())
    return RegexNode::empty(0);
  if (x == y)
    return literalText(x);
  std::string restX = x.substr(1), restY = y.substr(1);
  if (x[0] == y[0])
    return seq({literalText(x.substr(0, 1)), sameLength(restX, restY)});
  uint32_t rest = static_cast<uint32_t>(restX.size());
  bool fromZero = allOf(restX, '0'), toNine = allOf(restY, '9');
  std::vector<RegexNode> ways;
  char lo = x[0], hi = y[0];
  if (!fromZero) {
    ways.push_back(seq({literalText(x.substr(0, 1)),
                        sameLength(restX, std::string(rest, '9'))}));
    ++lo;
  }
  if (!toNine)
    --hi;
  if (lo <= hi)
    ways.push_back(seq({digitClass(lo, hi), anyDigits(rest, rest)}));
  if (!toNine)
    ways.push_back(seq({literalText(y.substr(0, 1)),
                        sameLength(std::string(rest, '0'), restY)}));
  return oneOf(std::move(ways));
}

/// Decimal digits of an unsigned 128-bit value.
std::string digitsOf(unsigned __int128 value) {
  if (value == 0)
    return "0";
  std::string out;
  while (value > 0) {
    out.insert(out.begin(), char('0' + int(value % 10)));
    value /= 10;
  }
  return out;
}

/// A non-negative decimal: canonical integer digits, fraction digits
/// without trailing zeros.
struct Decimal {
  std::string whole = "0";
  std::string fraction;
};

/// The plain decimal of a finite non-negative double, from the digits that
/// round-trip (repr's).
Decimal decimalOf(double value) {
  std::string text =
      pythonFloatRepr(std::fabs(value)); // "1.5", "1e-05", "1.5e+16"
  std::string digits;
  int exponent = 0; // value = 0.digits * 10^exponent... as below
  size_t e = text.find('e');
  std::string mantissa = text.substr(0, e);
  int pointAt; // digits before the decimal point in `digits`
  size_t dot = mantissa.find('.');
  if (dot == std::string::npos) {
    digits = mantissa;
    pointAt = static_cast<int>(mantissa.size());
  } else {
    digits = mantissa.substr(0, dot) + mantissa.substr(dot + 1);
    pointAt = static_cast<int>(dot);
  }
  if (e != std::string::npos)
    exponent = std::stoi(text.substr(e + 1));
  pointAt += exponent;
  Decimal out;
  if (pointAt <= 0) {
    out.fraction = std::string(size_t(-pointAt), '0') + digits;
  } else if (size_t(pointAt) >= digits.size()) {
    out.whole = digits + std::string(size_t(pointAt) - digits.size(), '0');
  } else {
    out.whole = digits.substr(0, size_t(pointAt));
    out.fraction = digits.substr(size_t(pointAt));
  }
  size_t nonZero = out.whole.find_first_not_of('0');
  out.whole = nonZero == std::string::npos ? "0" : out.whole.substr(nonZero);
  while (!out.fraction.empty() && out.fraction.back() == '0')
    out.fraction.pop_back();
  return out;
}

/// Fraction digit strings (non-empty) worth at least 0.a.
RegexNode fractionAtLeast(const std::string &a);
/// Fraction digit strings (non-empty) worth at most 0.b.
RegexNode fractionAtMost(const std::string &b);

/// What may follow a digit that matched a lower bound's digit, the rest
/// of the bound being `rest`: anything when nothing is left, else more
/// digits at least 0.rest.
RegexNode afterLowDigit(const std::string &rest) {
  return rest.empty() ? anyDigits(0, kUnbounded) : fractionAtLeast(rest);
}
/// The same for an upper bound: zeros only when it ends here, else an end
/// right here or more digits at most 0.rest.
RegexNode afterHighDigit(const std::string &rest) {
  if (rest.empty())
    return RegexNode::repeat(literalText("0"), 0, kUnbounded, 0);
  return RegexNode::repeat(fractionAtMost(rest), 0, 1, 0);
}

RegexNode fractionAtLeast(const std::string &a) {
  if (a.empty())
    return anyDigits(1, kUnbounded);
  std::vector<RegexNode> ways;
  if (a[0] < '9')
    ways.push_back(seq({digitClass(a[0] + 1, '9'), anyDigits(0, kUnbounded)}));
  ways.push_back(
      seq({literalText(a.substr(0, 1)), afterLowDigit(a.substr(1))}));
  return oneOf(std::move(ways));
}

RegexNode fractionAtMost(const std::string &b) {
  if (b.empty())
    return RegexNode::repeat(literalText("0"), 1, kUnbounded, 0);
  std::vector<RegexNode> ways;
  if (b[0] > '0')
    ways.push_back(seq({digitClass('0', b[0] - 1), anyDigits(0, kUnbounded)}));
  ways.push_back(
      seq({literalText(b.substr(0, 1)), afterHighDigit(b.substr(1))}));
  return oneOf(std::move(ways));
}

/// Fraction digit strings worth 0.a to 0.b (0.a <= 0.b); `mayBeEmpty`:
/// the empty string too when 0 is within.
RegexNode fractionBetween(const std::string &a, const std::string &b,
                          bool mayBeEmpty) {
  if (a.empty()) {
    if (b.empty())
      return RegexNode::repeat(literalText("0"), mayBeEmpty ? 0 : 1, kUnbounded,
                               0);
    RegexNode most = fractionAtMost(b);
    return mayBeEmpty ? RegexNode::repeat(std::move(most), 0, 1, 0) : most;
  }
  if (a[0] == b[0])
    return seq({literalText(a.substr(0, 1)),
                fractionBetween(a.substr(1), b.substr(1), true)});
  std::vector<RegexNode> ways;
  ways.push_back(
      seq({literalText(a.substr(0, 1)), afterLowDigit(a.substr(1))}));
  if (a[0] + 1 <= b[0] - 1)
    ways.push_back(
        seq({digitClass(a[0] + 1, b[0] - 1), anyDigits(0, kUnbounded)}));
  ways.push_back(
      seq({literalText(b.substr(0, 1)), afterHighDigit(b.substr(1))}));
  return oneOf(std::move(ways));
}

/// Canonical digits of n + 1 and n - 1 (n canonical; n - 1 of "0": none).
std::string plusOne(std::string n) {
  for (size_t i = n.size(); i-- > 0;) {
    if (n[i] != '9') {
      ++n[i];
      return n;
    }
    n[i] = '0';
  }
  return "1" + n;
}
std::optional<std::string> minusOne(std::string n) {
  if (n == "0")
    return std::nullopt;
  for (size_t i = n.size(); i-- > 0;) {
    if (n[i] != '0') {
      --n[i];
      break;
    }
    n[i] = '9';
  }
  if (n.size() > 1 && n[0] == '0')
    n.erase(0, 1);
  return n;
}
bool lessThan(const std::string &x, const std::string &y) {
  return x.size() != y.size() ? x.size() < y.size() : x < y;
}

/// "I.F" spellings (F non-empty) of magnitudes from `low` to `high` (no
/// high: unbounded).
RegexNode decimalsBetween(const Decimal &low,
                          const std::optional<Decimal> &high) {
  auto dotThen = [](RegexNode fraction) {
    return seq({literalText("."), std::move(fraction)});
  };
  if (high && lessThan(high->whole, low.whole))
    return nothing();
  if (high && high->whole == low.whole) {
    // Fractions without trailing zeros compare as digit strings.
    if (high->fraction < low.fraction)
      return nothing();
    return seq({literalText(low.whole),
                dotThen(fractionBetween(low.fraction, high->fraction, false))});
  }
  std::vector<RegexNode> ways;
  ways.push_back(
      seq({literalText(low.whole), dotThen(fractionAtLeast(low.fraction))}));
  std::string from = plusOne(low.whole);
  std::optional<std::string> to;
  if (high)
    to = minusOne(high->whole);
  if (!high || (to && !lessThan(*to, from)))
    ways.push_back(
        seq({unsignedRange(from, to), dotThen(anyDigits(1, kUnbounded))}));
  if (high)
    ways.push_back(seq(
        {literalText(high->whole), dotThen(fractionAtMost(high->fraction))}));
  return oneOf(std::move(ways));
}

/// The smallest double at or above the lower bound (above, exclusive), or
/// the largest at or below an upper one.
double innerDouble(const NumberBound &bound, bool lower) {
  double inward = lower ? std::numeric_limits<double>::infinity()
                        : -std::numeric_limits<double>::infinity();
  long double v = bound.value;
  double d = static_cast<double>(v); // the nearest double
  if (lower ? static_cast<long double>(d) < v : static_cast<long double>(d) > v)
    d = std::nextafter(d, inward);
  if (bound.exclusive && static_cast<long double>(d) == v)
    d = std::nextafter(d, inward);
  return d;
}

/// Integers at or above a lower bound / at or below an upper one, as a
/// long double (exact for the int64 range).
long double innerInteger(const NumberBound &bound, bool lower) {
  long double v = bound.value;
  if (lower)
    return bound.exclusive ? std::floor(v) + 1 : std::ceil(v);
  return bound.exclusive ? std::ceil(v) - 1 : std::floor(v);
}

constexpr long double kInt64Min = -9223372036854775808.0L;
constexpr long double kInt64Max = 9223372036854775807.0L;

/// Magnitudes of fractional spellings are kept to these, so digit trees
/// stay small: a subset, as a lower magnitude only rises and an upper one
/// only falls.
constexpr double kLargestMagnitude = 1e17;
constexpr double kSmallestMagnitude = 1e-20;

} // namespace

RegexNode unsignedRange(const std::string &lo,
                        const std::optional<std::string> &hi) {
  std::vector<RegexNode> ways;
  size_t last = hi ? hi->size() : lo.size();
  // Lengths whose every number is within, as [1-9][0-9]{m,n}: one run of
  // them, not a way per length, keeps the automaton of an int64 small.
  size_t fullFrom = 0, fullTo = 0; // digit counts; none while fullFrom == 0
  auto endFullRun = [&] {
    if (fullFrom > 0)
      ways.push_back(seq({digitClass('1', '9'),
                          anyDigits(static_cast<uint32_t>(fullFrom - 1),
                                    static_cast<uint32_t>(fullTo - 1))}));
    fullFrom = 0;
  };
  for (size_t d = lo.size(); d <= last; ++d) {
    // The least number of d digits: lo itself, or 10...0.
    std::string a = lo;
    if (d != lo.size()) {
      a.assign(d, '0');
      a.front() = '1';
    }
    std::string b = hi && d == hi->size() ? *hi : std::string(d, '9');
    if (lessThan(b, a))
      continue;
    bool full = a[0] == '1' && allOf(a.substr(1), '0') && allOf(b, '9');
    if (full) {
      fullFrom = fullFrom > 0 ? fullFrom : d;
      fullTo = d;
      continue;
    }
    endFullRun();
    ways.push_back(sameLength(a, b));
  }
  endFullRun();
  if (!hi)
    ways.push_back(
        seq({digitClass('1', '9'),
             anyDigits(static_cast<uint32_t>(lo.size()), kUnbounded)}));
  return oneOf(std::move(ways));
}

RegexNode integerRange(int64_t lo, int64_t hi) {
  std::vector<RegexNode> ways;
  if (lo < 0) {
    // Magnitudes from max(1, -hi) to -lo; 128 bits hold -INT64_MIN.
    __int128 most = -static_cast<__int128>(lo);
    __int128 least = hi < 0 ? -static_cast<__int128>(hi) : 1;
    ways.push_back(
        seq({literalText("-"),
             unsignedRange(digitsOf(static_cast<unsigned __int128>(least)),
                           digitsOf(static_cast<unsigned __int128>(most)))}));
  }
  if (hi >= 0)
    ways.push_back(
        unsignedRange(digitsOf(static_cast<unsigned __int128>(lo < 0 ? 0 : lo)),
                      digitsOf(static_cast<unsigned __int128>(hi))));
  return oneOf(std::move(ways));
}

namespace {

RegexNode boundedIntegers(const std::optional<NumberBound> &lower,
                          const std::optional<NumberBound> &upper,
                          bool integralFloats) {
  long double lower64 = lower ? innerInteger(*lower, true) : kInt64Min;
  long double upper64 = upper ? innerInteger(*upper, false) : kInt64Max;
  lower64 = std::max(lower64, kInt64Min);
  upper64 = std::min(upper64, kInt64Max);
  if (lower64 > upper64)
    return nothing();
  const auto lo = static_cast<int64_t>(lower64);
  const auto hi = static_cast<int64_t>(upper64);
  if (!integralFloats)
    return integerRange(lo, hi);
  // The floats' part once with an optional ".0", not the integers and the
  // floats as two alternatives: the DFA of those would follow two digit
  // trees at once, hundreds of states for the int64 bounds. A digit count
  // (15), not 2^53, divides them, so no third tree is needed either; all
  // 15-digit integers are exact doubles.
  constexpr int64_t kExact = 999'999'999'999'999;
  std::vector<RegexNode> ways;
  if (int64_t from = std::max(lo, -kExact), to = std::min(hi, kExact);
      from <= to)
    ways.push_back(seq({integerRange(from, to),
                        RegexNode::repeat(literalText(".0"), 0, 1, 0)}));
  if (lo < -kExact)
    ways.push_back(integerRange(lo, std::min(hi, -kExact - 1)));
  if (hi > kExact)
    ways.push_back(integerRange(std::max(lo, kExact + 1), hi));
  return oneOf(std::move(ways));
}

} // namespace

RegexNode integersWithin(const std::optional<NumberBound> &lower,
                         const std::optional<NumberBound> &upper,
                         bool integralFloats) {
  if (lower || upper)
    return boundedIntegers(lower, upper, integralFloats);
  // The int64 range, in most schemas' integers: its digit trees are built
  // once per process (the trees are immutable; copies share them).
  static const RegexNode kInt64[2] = {
      boundedIntegers(std::nullopt, std::nullopt, false),
      boundedIntegers(std::nullopt, std::nullopt, true)};
  return kInt64[integralFloats ? 1 : 0];
}

RegexNode numbersWithin(const std::optional<NumberBound> &lower,
                        const std::optional<NumberBound> &upper) {
  if (!lower && !upper)
    return anyJsonNumber();
  std::vector<RegexNode> ways;
  ways.push_back(integersWithin(lower, upper));

  const double inf = std::numeric_limits<double>::infinity();
  double lo = lower ? innerDouble(*lower, true) : -inf;
  double hi = upper ? innerDouble(*upper, false) : inf;
  if (lo <= hi) {
    // Decimals I.F: the non-negative ones, then the negative ones with
    // magnitudes mirrored. A magnitude side is std::nullopt when unbounded.
    auto decimals = [&](double least, double most) {
      // least: >= 0 (finite); most: >= least, or inf.
      if (least > kLargestMagnitude)
        return nothing();
      if (least > 0 && least < kSmallestMagnitude)
        least = kSmallestMagnitude;
      std::optional<Decimal> high;
      if (most != inf) {
        if (most < kSmallestMagnitude)
          most = 0;
        high = decimalOf(std::min(most, kLargestMagnitude));
      }
      return decimalsBetween(decimalOf(least), high);
    };
    if (hi >= 0)
      ways.push_back(decimals(std::max(lo, 0.0), hi));
    if (lo <= 0)
      ways.push_back(
          seq({literalText("-"), decimals(std::max(-hi, 0.0), -lo)}));

    // Exponent forms, only where their whole range is within.
    RegexNode mantissa =
        seq({digitClass('1', '9'),
             RegexNode::repeat(
                 seq({literalText("."), anyDigits(1, kUnbounded)}), 0, 1, 0)});
    RegexNode tinyExponent =
        seq({literalText("e-"),
             oneOf({seq({literalText("0"), digitClass('5', '9')}),
                    seq({digitClass('1', '9'), digitClass('0', '9')})})});
    RegexNode hugeExponent =
        seq({literalText("e+"),
             oneOf({seq({literalText("1"), digitClass('6', '9')}),
                    seq({digitClass('2', '9'), digitClass('0', '9')}),
                    seq({digitClass('1', '2'), anyDigits(2, 2)}),
                    seq({literalText("30"), digitClass('0', '7')})})});
    // Tiny: [1e-99, 1e-4); huge: [1e16, 1e308).
    if (lo <= 1e-99 && hi >= 1e-4)
      ways.push_back(seq({mantissa, tinyExponent}));
    if (hi >= -1e-99 && lo <= -1e-4)
      ways.push_back(seq({literalText("-"), mantissa, tinyExponent}));
    if (hi == inf && lo <= 1e16)
      ways.push_back(seq({mantissa, hugeExponent}));
    if (lo == -inf && hi >= -1e16)
      ways.push_back(seq({literalText("-"), mantissa, hugeExponent}));
  }
  std::vector<RegexNode> live;
  for (RegexNode &way : ways)
    if (!isNothing(way))
      live.push_back(std::move(way));
  return oneOf(std::move(live));
}

} // namespace sgl::runtime::constraints
