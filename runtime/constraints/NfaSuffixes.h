//===- NfaSuffixes.h - Merging NFA states with equal futures ----*- C++ -*-===//
//
// Thompson's construction gives every occurrence of a subpattern its own
// states, so `[1-8][0-9]{18}|9[0-1][0-9]{17}` has two chains of 17 digits
// that end alike. Subset construction then keeps apart DFA states that
// differ only in which chain they are on: the int64 range took about 400
// DFA states for 74 minimal ones. Merging states that do the same thing
// and lead to the same (merged) states -- hash-consing the NFA from its
// end backwards -- makes such chains one, so equivalent DFA states are one
// set from the start. States on cycles are left as they are.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_CONSTRAINTS_NFASUFFIXES_H
#define SGL_RUNTIME_CONSTRAINTS_NFASUFFIXES_H

#include "runtime/constraints/ByteNfa.h"

namespace sgl::runtime::constraints {

/// An NFA of the same language without Epsilon states, in which no two
/// Byte or Call states have the same bytes or rule and the same successor;
/// only states reachable from the start are kept.
ByteNfa shareNfaSuffixes(const ByteNfa &nfa);

} // namespace sgl::runtime::constraints

#endif // SGL_RUNTIME_CONSTRAINTS_NFASUFFIXES_H
