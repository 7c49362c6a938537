//===- PythonJsonTest.cpp - dumpLikePython against Python's json.dumps ----===//
//
// Every expected string was printed by /usr/bin/python3 (3.11):
//   json.dumps(json.loads(INPUT), ensure_ascii=False)
//
//===----------------------------------------------------------------------===//
#include "runtime/constraints/PythonJson.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

using namespace sgl::runtime::constraints;

namespace {

std::string dump(const char *jsonText) {
  return dumpLikePython(nlohmann::ordered_json::parse(jsonText));
}

TEST(PythonJson, SeparatorsAndNesting) {
  EXPECT_EQ(dump(R"({"a":1,"b":[true,false,null],"c":{"d":"e"}})"),
            R"({"a": 1, "b": [true, false, null], "c": {"d": "e"}})");
  EXPECT_EQ(dump("[]"), "[]");
  EXPECT_EQ(dump("{}"), "{}");
  EXPECT_EQ(dump("[1,[2,[3]],{}]"), "[1, [2, [3]], {}]");
}

TEST(PythonJson, KeysKeepTheirOrder) {
  EXPECT_EQ(dump(R"({"z":1,"a":2,"m":{"y":[],"b":{}}})"),
            R"({"z": 1, "a": 2, "m": {"y": [], "b": {}}})");
}

TEST(PythonJson, EscapesOnlyWhatJsonNeeds) {
  EXPECT_EQ(dump(R"("tab\there \"quoted\" back\\slash")"),
            R"("tab\there \"quoted\" back\\slash")");
  // Controls below U+0020 as \uXXXX in lower case unless they have a short
  // escape; DEL stays raw.
  EXPECT_EQ(dump(R"("\u0000\u0001\u001f\b\f\n\r\t\u007f")"),
            "\"\\u0000\\u0001\\u001f\\b\\f\\n\\r\\t\x7f\"");
  // Non-ASCII as raw UTF-8, U+2028 included.
  EXPECT_EQ(dump(R"("caf\u00e9 \u2028 \ud83d\ude00")"),
            "\"caf\xc3\xa9 \xe2\x80\xa8 \xf0\x9f\x98\x80\"");
}

TEST(PythonJson, FloatsAsRepr) {
  EXPECT_EQ(dump("[0.0, -0.0, 1.0, 0.1, 0.0001, 0.00001, 1e16, 1e15, "
                 "123456789012345.6, 1.5e300, 5e-324, "
                 "1.7976931348623157e308, -3.25e-7, 12345678901234567.0, "
                 "100.0, 1e22, 2.5]"),
            "[0.0, -0.0, 1.0, 0.1, 0.0001, 1e-05, 1e+16, "
            "1000000000000000.0, 123456789012345.6, 1.5e+300, 5e-324, "
            "1.7976931348623157e+308, -3.25e-07, 1.2345678901234568e+16, "
            "100.0, 1e+22, 2.5]");
}

TEST(PythonJson, IntegersExactly) {
  EXPECT_EQ(dump("[9223372036854775807, -9223372036854775808, "
                 "18446744073709551615, 0, -1]"),
            "[9223372036854775807, -9223372036854775808, "
            "18446744073709551615, 0, -1]");
}

TEST(PythonJson, FloatReprOfValuesJsonCannotHold) {
  EXPECT_EQ(pythonFloatRepr(std::numeric_limits<double>::infinity()),
            "Infinity");
  EXPECT_EQ(pythonFloatRepr(-std::numeric_limits<double>::infinity()),
            "-Infinity");
  EXPECT_EQ(pythonFloatRepr(std::nan("")), "NaN");
}

} // namespace
