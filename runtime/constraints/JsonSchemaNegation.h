//===- JsonSchemaNegation.h - Schemas that a schema's facts fail -*- C++
//-*-===//
//
// `not` and a oneOf whose branches may overlap both need "an instance that
// is not valid under S". The complement of a grammar is out of reach, but a
// condition that makes S fail is often simple: a string longer than S's
// maxLength, a number above its maximum, an object without a name S
// requires, a type S does not allow, a value outside S's enum. negationOf
// writes such a condition as a schema, type by type:
//
//   - types S does not allow stay allowed, with no condition;
//   - a type S allows without saying more about it is refused;
//   - a type S constrains gets one condition that fails S (for objects: a
//     required name left out, or a declared member present with a value
//     that fails its schema); where none can be written (a pattern, item
//     schemas), the type is marked unsupported there, and the compiler
//     errors if that type can still occur.
//
// Every instance valid under the result fails S, so using it refuses some
// valid instances (those failing S another way) but never accepts an
// invalid one. Where it is only a part of what fails S ("$sgl-stricter":
// the types), it proves no instance invalid (SchemaFacts::stricterTypes);
// a schema that is itself approximated so is not negated. The result uses
// internal keywords ("$sgl-types", "$sgl-excluded", "$sgl-forbidden",
// "$sgl-unsupported", "$sgl-stricter") that count only in schemas the
// compiler added to the document (SchemaDocument::addSynthetic).
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_CONSTRAINTS_JSONSCHEMANEGATION_H
#define SGL_RUNTIME_CONSTRAINTS_JSONSCHEMANEGATION_H

#include "runtime/constraints/JsonSchemaFacts.h"

#include <string>
#include <vector>

namespace sgl::runtime::constraints {

/// A schema whose instances all fail `facts`. Names in `keepRequired` are
/// not chosen as the missing name (the caller requires them); `pointer`
/// names the negated schema in messages. `gatherer` gives the facts of
/// property schemas, for "this member is there and fails its schema".
Expected<Json> negationOf(const SchemaFacts &facts,
                          const std::vector<std::string> &keepRequired,
                          const std::string &pointer, FactsGatherer &gatherer,
                          SchemaDocument &document, uint32_t depth = 0);

} // namespace sgl::runtime::constraints

#endif // SGL_RUNTIME_CONSTRAINTS_JSONSCHEMANEGATION_H
