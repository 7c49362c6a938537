//===- JsonFormats.h - String formats as syntax trees -----------*- C++ -*-===//
//
// `format` is an assertion here: a string must be valid for it, so each
// supported format is a careful regular language over decoded characters,
// a subset of what both the RFC and Python's jsonschema accept:
//
//   date        RFC 3339 full-date, days checked per month and leap year
//               (years 0001-9999, as Python's datetime)
//   time        RFC 3339 full-time: HH:MM:SS[.frac](Z|+HH:MM|-HH:MM),
//               no leap second, upper-case Z
//   date-time   date "T" time (upper-case T)
//   email       dot-atom local part "@" a domain of two or more labels
//   uuid        8-4-4-4-12 hex digits
//   uri         RFC 3986 URI (scheme ":" hier-part [?query] [#fragment]),
//               without IP-literal hosts
//   uri-reference  a URI or an RFC 3986 relative reference
//   ipv4        dotted quad without leading zeros
//
// Any other format is an error "unsupported format 'x'".
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_CONSTRAINTS_JSONFORMATS_H
#define SGL_RUNTIME_CONSTRAINTS_JSONFORMATS_H

#include "runtime/constraints/AutomatonLimits.h"
#include "runtime/constraints/RegexAst.h"
#include "runtime/support/Expected.h"

#include <string_view>

namespace sgl::runtime::constraints {

/// The strings valid for `format`, over decoded characters.
Expected<RegexNode> jsonFormatLanguage(std::string_view format,
                                       const AutomatonLimits &limits);

} // namespace sgl::runtime::constraints

#endif // SGL_RUNTIME_CONSTRAINTS_JSONFORMATS_H
