//===- CheckReport.h - Where a text leaves its constraint -------*- C++ -*-===//
//
// The verdict sgl-constraint --check prints: "accepted (N bytes)", or the
// first byte no accepted text continues with, shown in context the way a
// compiler shows an error's column:
//
//   rejected at byte 9 of 12: 'x' cannot come here
//     {"age": x}
//             ^
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_TOOLS_SGL_CONSTRAINT_CHECKREPORT_H
#define SGL_RUNTIME_TOOLS_SGL_CONSTRAINT_CHECKREPORT_H

#include "runtime/constraints/Constraint.h"

#include <string>
#include <string_view>

namespace sgl::tools {

/// The verdict on `text` as lines ending in '\n'.
std::string describeCheck(std::string_view text,
                          const runtime::constraints::ConstraintCheck &check);

/// `bytes` in double quotes, printable as one line: control characters,
/// quotes and backslashes escaped, bytes that are not part of a whole UTF-8
/// character (a token may end inside one) as \xNN.
std::string displayBytes(std::string_view bytes);

} // namespace sgl::tools

#endif // SGL_RUNTIME_TOOLS_SGL_CONSTRAINT_CHECKREPORT_H
