//===- ForcedBytes.h - Bytes a constraint forces ----------------*- C++ -*-===//
//
// For jump-forward decoding: when a DFA state allows exactly one next byte
// and does not accept (so stopping is no option either), that byte can be
// appended without asking the model, and so on from the state it leads to.
// In `{"name": "` after `{`, everything up to the value is forced.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_CONSTRAINTS_FORCEDBYTES_H
#define SGL_RUNTIME_CONSTRAINTS_FORCEDBYTES_H

#include "runtime/constraints/ByteDfa.h"

#include <string>

namespace sgl::runtime::constraints {

/// The longest byte string the DFA forces from `state`: it stops at the
/// first state that accepts or has more (or fewer) than one byte leading to
/// a live state. Empty for the dead state. Costs 256 steps per byte
/// returned, plus 256.
std::string forcedBytes(const ByteDfa &dfa, ByteDfa::State state);

} // namespace sgl::runtime::constraints

#endif // SGL_RUNTIME_CONSTRAINTS_FORCEDBYTES_H
