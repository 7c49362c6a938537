//===- JsonSchemaTestSupport.h - Compiling schemas in tests -----*- C++ -*-===//
#ifndef SGL_TEST_UNIT_CONSTRAINTS_JSONSCHEMATESTSUPPORT_H
#define SGL_TEST_UNIT_CONSTRAINTS_JSONSCHEMATESTSUPPORT_H

#include "runtime/constraints/JsonSchema.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>

namespace sgl::runtime::constraints::testing {

/// A compiled schema, or the test fails with the compiler's message.
inline std::shared_ptr<Constraint>
compiled(std::string_view schema, const JsonSchemaOptions &options = {}) {
  Expected<std::shared_ptr<Constraint>> constraint =
      compileJsonSchema(schema, options);
  EXPECT_TRUE(constraint.hasValue())
      << schema << "\n  " << (constraint ? "" : constraint.error().message);
  return constraint ? *constraint : nullptr;
}

/// The error compiling `schema`, or "compiled".
inline std::string errorOf(std::string_view schema,
                           const JsonSchemaOptions &options = {}) {
  Expected<std::shared_ptr<Constraint>> constraint =
      compileJsonSchema(schema, options);
  return constraint ? "compiled" : constraint.error().message;
}

/// Checks texts against one schema: accepts("...") / refuses("...").
class SchemaCase {
public:
  explicit SchemaCase(std::string_view schema,
                      const JsonSchemaOptions &options = {})
      : schema_(schema), constraint_(compiled(schema, options)) {}

  ::testing::AssertionResult accepts(std::string_view text) const {
    return verdict(text, true);
  }
  ::testing::AssertionResult refuses(std::string_view text) const {
    return verdict(text, false);
  }

private:
  ::testing::AssertionResult verdict(std::string_view text,
                                     bool expected) const {
    if (!constraint_)
      return ::testing::AssertionFailure() << "schema did not compile";
    bool accepted = constraint_->grammar().matches(text);
    if (accepted == expected)
      return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << schema_ << (accepted ? " accepts " : " refuses ") << text;
  }

  std::string schema_;
  std::shared_ptr<Constraint> constraint_;
};

} // namespace sgl::runtime::constraints::testing

#endif // SGL_TEST_UNIT_CONSTRAINTS_JSONSCHEMATESTSUPPORT_H
