//===- ProgramArgsTest.cpp - A program's typed arguments ------------------===//
#include "runtime/engine/ProgramArgs.h"

#include "test/unit/support/PlanSteps.h"

#include <gtest/gtest.h>

using namespace sgl::runtime;
using namespace sgl::runtime::plan::test;

namespace {

std::string errorOf(std::string_view text) {
  sgl::Expected<ProgramArgs> args = parseProgramArgsJson(text);
  return args ? std::string("<accepted>") : args.error().message;
}

Value list(std::vector<Value> values) { return Value::list(std::move(values)); }

TEST(ProgramArgsJson, KeepsNamesAndValuesInOrder) {
  sgl::Expected<ProgramArgs> args =
      parseProgramArgsJson(R"({"q2": "b", "q1": "a\u00e9", "": ""})");
  ASSERT_TRUE(args) << args.error().message;
  ProgramArgs expected = {{"q2", "b"}, {"q1", "a\xc3\xa9"}, {"", ""}};
  EXPECT_EQ(*args, expected);
  EXPECT_TRUE(parseProgramArgsJson("{}"));
}

TEST(ProgramArgsJson, ValuesKeepTheirJsonKinds) {
  sgl::Expected<ProgramArgs> args = parseProgramArgsJson(
      R"({"i": -3, "big": 18446744073709551615, "max": 9223372036854775807,
          "f": 1.5, "e": 2e3, "t": true, "n": false,
          "l": ["a", 1, [2.5, []]]})");
  ASSERT_TRUE(args) << args.error().message;
  ProgramArgs expected = {{"i", Value::integer(-3)},
                          {"big", Value::number(18446744073709551615.0)},
                          {"max", Value::integer(INT64_MAX)},
                          {"f", Value::number(1.5)},
                          {"e", Value::number(2000)},
                          {"t", Value::boolean(true)},
                          {"n", Value::boolean(false)},
                          {"l", list({"a", Value::integer(1),
                                      list({Value::number(2.5), list({})})})}};
  EXPECT_EQ(*args, expected);
}

TEST(ProgramArgsJson, ANameGivenTwiceIsAnError) {
  // A json object would keep the last value without a word.
  EXPECT_EQ(errorOf(R"({"name": "a", "name": "b"})"),
            "--args gives 'name' twice");
  EXPECT_EQ(errorOf(R"({"name": "a", "name": 3})"),
            "--args gives 'name' twice");
}

TEST(ProgramArgsJson, NullAndObjectsAreNoArguments) {
  EXPECT_EQ(errorOf(R"({"n": null})"),
            "--args value of 'n' cannot be null (an argument is a string, a "
            "number, a boolean or an array)");
  EXPECT_EQ(errorOf(R"({"n": {"a": "b"}})"),
            "--args value of 'n' cannot be an object (an argument is a "
            "string, a number, a boolean or an array)");
  EXPECT_EQ(errorOf(R"({"n": ["a", null]})"),
            "--args value of 'n' cannot hold a null (an argument is a "
            "string, a number, a boolean or an array)");
  EXPECT_EQ(errorOf(R"({"n": [{}]})"),
            "--args value of 'n' cannot be an object (an argument is a "
            "string, a number, a boolean or an array)");
}

TEST(ProgramArgsJson, NumbersOutOfRangeAreRefused) {
  std::string error = errorOf(R"({"x": 1e999})");
  EXPECT_NE(error, "<accepted>");
}

TEST(ProgramArgsJson, TheTopMustBeAnObject) {
  EXPECT_EQ(errorOf(R"(["a"])"), "--args must be a JSON object, not array");
  EXPECT_EQ(errorOf(R"("a")"), "--args must be a JSON object, not string");
  EXPECT_EQ(errorOf("7"), "--args must be a JSON object, not number");
  EXPECT_EQ(errorOf("null"), "--args must be a JSON object, not null");
  EXPECT_EQ(errorOf("true"), "--args must be a JSON object, not boolean");
}

TEST(ProgramArgsJson, SyntaxErrorsSayWhere) {
  std::string error = errorOf(R"({"name": )");
  EXPECT_EQ(error.rfind("--args is not valid JSON: ", 0), 0u) << error;
  EXPECT_NE(error.find("column 10"), std::string::npos) << error;
  EXPECT_NE(errorOf(R"({"a": "b"} x)"), "<accepted>");
  EXPECT_NE(errorOf("{\"a\": \"\xff\"}"), "<accepted>");
  EXPECT_NE(errorOf(""), "<accepted>");
}

TEST(ProgramArgsJson, DeepNestingIsRefusedEarly) {
  EXPECT_EQ(errorOf(std::string(100000, '[')),
            "--args must be a JSON object, not array");
  std::string deep;
  for (int i = 0; i < 100000; ++i)
    deep += "{\"a\":";
  EXPECT_EQ(errorOf(deep), "--args value of 'a' cannot be an object (an "
                           "argument is a string, a number, a boolean or an "
                           "array)");
  EXPECT_EQ(errorOf("{\"a\":" + std::string(100000, '[')),
            "--args value of 'a' nests arrays deeper than 64 levels");
  std::string deepest = "{\"a\":" + std::string(kMaxArgNesting, '[') +
                        std::string(kMaxArgNesting, ']') + "}";
  EXPECT_EQ(errorOf(deepest), "<accepted>");
}

TEST(ProgramArgsJson, LongNamesAreAbbreviatedInMessages) {
  std::string name(5000, 'n');
  std::string error = errorOf("{\"" + name + "\": null}");
  EXPECT_LT(error.size(), 250u) << error;
  EXPECT_NE(error.find("more bytes"), std::string::npos) << error;
}

plan::Program programTaking(size_t n) {
  plan::Program program;
  program.name = "p";
  for (size_t i = 0; i < n; ++i)
    program.args.push_back(arg(std::string("a") + std::to_string(i)));
  return program;
}

TEST(BindProgramArgs, ReturnsValuesInSlotOrder) {
  plan::Program program = programTaking(3);
  sgl::Expected<std::vector<Value>> values =
      bindProgramArgs(program, {{"a2", "z"}, {"a0", "x"}, {"a1", "y"}});
  ASSERT_TRUE(values) << values.error().message;
  EXPECT_EQ(*values, (std::vector<Value>{"x", "y", "z"}));
}

TEST(BindProgramArgs, NamesWhatIsWrong) {
  plan::Program program = programTaking(2);
  sgl::Expected<std::vector<Value>> values =
      bindProgramArgs(program, {{"a0", "x"}, {"b", "y"}, {"a0", "z"}});
  ASSERT_FALSE(values);
  EXPECT_EQ(values.error().message,
            "missing argument 'a1'; unknown argument 'b'; argument given "
            "twice: 'a0' for program 'p' (it takes 'a0', 'a1')");
}

/// A program "p" taking `args`.
plan::Program taking(std::vector<plan::Arg> args) {
  return programOf("p", std::move(args), {});
}

std::string bindError(const plan::Program &program, const ProgramArgs &args) {
  sgl::Expected<std::vector<Value>> values = bindProgramArgs(program, args);
  return values ? "<bound>" : values.error().message;
}

TEST(BindProgramArgs, EachTypeTakesItsJsonValues) {
  plan::Program p =
      taking({arg("s"), arg("i", intType()), arg("x", numberType()),
              arg("b", boolType()), arg("l", strListType()),
              arg("ll", plan::ValueType::list(numberType()))});
  sgl::Expected<std::vector<Value>> values = bindProgramArgs(
      p, {{"s", "a"},
          {"i", Value::integer(-7)},
          {"x", Value::integer(2)}, // an int is a number too
          {"b", Value::boolean(false)},
          {"l", list({"a", "b"})},
          {"ll", list({Value::integer(1), Value::number(0.5)})}});
  ASSERT_TRUE(values) << values.error().message;
  EXPECT_EQ(*values,
            (std::vector<Value>{"a", Value::integer(-7), Value::number(2),
                                Value::boolean(false), list({"a", "b"}),
                                list({Value::number(1), Value::number(0.5)})}));
}

TEST(BindProgramArgs, TypeErrorsNameTheArgumentAndBothTypes) {
  plan::Program p =
      taking({arg("s"), arg("i", intType()), arg("x", numberType()),
              arg("b", boolType()), arg("l", strListType())});
  ProgramArgs good = {{"s", "a"},
                      {"i", Value::integer(1)},
                      {"x", Value::number(1)},
                      {"b", Value::boolean(true)},
                      {"l", list({})}};
  ASSERT_EQ(bindError(p, good), "<bound>");
  auto with = [&](size_t i, Value v) {
    ProgramArgs args = good;
    args[i].second = std::move(v);
    return bindError(p, args);
  };
  EXPECT_EQ(with(0, Value::integer(3)),
            "argument 's' of program 'p' must be a str (a JSON string), not an "
            "integer");
  EXPECT_EQ(with(1, Value::number(1.0)),
            "argument 'i' of program 'p' must be an int (a JSON integer in "
            "int64), not a number");
  EXPECT_EQ(with(1, "3"), "argument 'i' of program 'p' must be an int (a JSON "
                          "integer in int64), not a string");
  EXPECT_EQ(with(2, Value::boolean(true)),
            "argument 'x' of program 'p' must be a number (a JSON number), "
            "not a boolean");
  EXPECT_EQ(with(3, "true"), "argument 'b' of program 'p' must be a bool "
                             "(true or false), not a string");
  EXPECT_EQ(with(4, "a"), "argument 'l' of program 'p' must be a [str] (a "
                          "JSON array of strings), not a string");
  EXPECT_EQ(with(4, list({"a", Value::integer(2)})),
            "argument 'l' of program 'p' must be a [str] (a JSON array of "
            "strings), but its element 1 is an integer");
  plan::Program nested =
      taking({arg("m", plan::ValueType::list(strListType()))});
  EXPECT_EQ(bindError(nested, {{"m", list({list({}), list({"a", list({})})})}}),
            "argument 'm' of program 'p' must be a [[str]] (a JSON array of "
            "arrays of strings), but its element [1][1] is an array");
}

TEST(BindProgramArgs, DefaultsFillWhatIsLeftOut) {
  plan::Program p =
      taking({arg("q"), arg("n", intType(), integer(3)),
              arg("x", numberType(), integer(2)),
              arg("l", strListType(), listOf({str("a"), str("b")})),
              arg("b", boolType(), boolean(true))});
  sgl::Expected<std::vector<Value>> values =
      bindProgramArgs(p, {{"q", "?"}, {"n", Value::integer(5)}});
  ASSERT_TRUE(values) << values.error().message;
  EXPECT_EQ(*values,
            (std::vector<Value>{"?", Value::integer(5), Value::number(2),
                                list({"a", "b"}), Value::boolean(true)}));
  // An argument without a default is still required.
  EXPECT_EQ(bindError(p, {}), "missing argument 'q' for program 'p' (it "
                              "takes 'q', 'n', 'x', 'l', 'b')");
}

TEST(BindProgramArgs, ManyArgumentsBindInLinearTimeWithShortMessages) {
  // 200,000 arguments: a linear search per argument took minutes, and the
  // message listed every name.
  plan::Program program = programTaking(200000);
  ProgramArgs args;
  for (const plan::Arg &a : program.args)
    args.emplace_back(a.name, "v");
  ASSERT_TRUE(bindProgramArgs(program, args));
  args.pop_back();
  args.emplace_back("zz", "v");
  sgl::Expected<std::vector<Value>> values = bindProgramArgs(program, args);
  ASSERT_FALSE(values);
  EXPECT_EQ(values.error().message,
            "missing argument 'a199999'; unknown argument 'zz' for program "
            "'p' (it takes 'a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7' and "
            "199992 more)");
}

} // namespace
