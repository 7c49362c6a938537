//===- ProgramArgsTest.cpp - A program's named string arguments ----------===//
#include "runtime/engine/ProgramArgs.h"

#include <gtest/gtest.h>

using namespace sgl::runtime;

namespace {

std::string errorOf(std::string_view text) {
  sgl::Expected<ProgramArgs> args = parseProgramArgsJson(text);
  return args ? std::string("<accepted>") : args.error().message;
}

TEST(ProgramArgsJson, KeepsNamesAndValuesInOrder) {
  sgl::Expected<ProgramArgs> args =
      parseProgramArgsJson(R"({"q2": "b", "q1": "a\u00e9", "": ""})");
  ASSERT_TRUE(args) << args.error().message;
  ProgramArgs expected = {{"q2", "b"}, {"q1", "a\xc3\xa9"}, {"", ""}};
  EXPECT_EQ(*args, expected);
  EXPECT_TRUE(parseProgramArgsJson("{}"));
}

TEST(ProgramArgsJson, ANameGivenTwiceIsAnError) {
  // A json object would keep the last value without a word.
  EXPECT_EQ(errorOf(R"({"name": "a", "name": "b"})"),
            "--args gives 'name' twice");
}

TEST(ProgramArgsJson, ValuesMustBeStrings) {
  EXPECT_EQ(errorOf(R"({"n": 3})"),
            "--args value of 'n' must be a string, not number");
  EXPECT_EQ(errorOf(R"({"n": 1.5})"),
            "--args value of 'n' must be a string, not number");
  EXPECT_EQ(errorOf(R"({"n": null})"),
            "--args value of 'n' must be a string, not null");
  EXPECT_EQ(errorOf(R"({"n": true})"),
            "--args value of 'n' must be a string, not boolean");
  EXPECT_EQ(errorOf(R"({"n": ["a"]})"),
            "--args value of 'n' must be a string, not array");
  EXPECT_EQ(errorOf(R"({"n": {"a": "b"}})"),
            "--args value of 'n' must be a string, not object");
}

TEST(ProgramArgsJson, TheTopMustBeAnObject) {
  EXPECT_EQ(errorOf(R"(["a"])"),
            "--args must be a JSON object of strings, not array");
  EXPECT_EQ(errorOf(R"("a")"),
            "--args must be a JSON object of strings, not string");
  EXPECT_EQ(errorOf("7"),
            "--args must be a JSON object of strings, not number");
}

TEST(ProgramArgsJson, SyntaxErrorsSayWhere) {
  std::string error = errorOf(R"({"name": )");
  EXPECT_EQ(error.rfind("--args is not valid JSON: ", 0), 0u) << error;
  EXPECT_NE(error.find("column 10"), std::string::npos) << error;
  EXPECT_NE(errorOf(R"({"a": "b"} x)"), "<accepted>");
  EXPECT_NE(errorOf("{\"a\": \"\xff\"}"), "<accepted>");
  EXPECT_NE(errorOf(""), "<accepted>");
}

TEST(ProgramArgsJson, DeepNestingIsRefusedAtTheFirstLevel) {
  EXPECT_EQ(errorOf(std::string(100000, '[')),
            "--args must be a JSON object of strings, not array");
  std::string deep;
  for (int i = 0; i < 100000; ++i)
    deep += "{\"a\":";
  EXPECT_EQ(errorOf(deep), "--args value of 'a' must be a string, not object");
}

TEST(ProgramArgsJson, LongNamesAreAbbreviatedInMessages) {
  std::string name(5000, 'n');
  std::string error = errorOf("{\"" + name + "\": 1}");
  EXPECT_LT(error.size(), 200u) << error;
  EXPECT_NE(error.find("more bytes"), std::string::npos) << error;
}

plan::Program programTaking(size_t n) {
  plan::Program program;
  program.name = "p";
  for (size_t i = 0; i < n; ++i)
    program.args.push_back(std::string("a") + std::to_string(i));
  return program;
}

TEST(BindProgramArgs, ReturnsValuesInSlotOrder) {
  plan::Program program = programTaking(3);
  sgl::Expected<std::vector<std::string>> values =
      bindProgramArgs(program, {{"a2", "z"}, {"a0", "x"}, {"a1", "y"}});
  ASSERT_TRUE(values) << values.error().message;
  EXPECT_EQ(*values, (std::vector<std::string>{"x", "y", "z"}));
}

TEST(BindProgramArgs, NamesWhatIsWrong) {
  plan::Program program = programTaking(2);
  sgl::Expected<std::vector<std::string>> values =
      bindProgramArgs(program, {{"a0", "x"}, {"b", "y"}, {"a0", "z"}});
  ASSERT_FALSE(values);
  EXPECT_EQ(values.error().message,
            "missing argument 'a1'; unknown argument 'b'; argument given "
            "twice: 'a0' for program 'p' (it takes 'a0', 'a1')");
}

TEST(BindProgramArgs, ManyArgumentsBindInLinearTimeWithShortMessages) {
  // 200,000 arguments: a linear search per argument took minutes, and the
  // message listed every name.
  plan::Program program = programTaking(200000);
  ProgramArgs args;
  for (const std::string &name : program.args)
    args.emplace_back(name, "v");
  ASSERT_TRUE(bindProgramArgs(program, args));
  args.pop_back();
  args.emplace_back("zz", "v");
  sgl::Expected<std::vector<std::string>> values =
      bindProgramArgs(program, args);
  ASSERT_FALSE(values);
  EXPECT_EQ(values.error().message,
            "missing argument 'a199999'; unknown argument 'zz' for program "
            "'p' (it takes 'a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7' and "
            "199992 more)");
}

} // namespace
