//===- ExprEvalTest.cpp - Plan expressions over Values --------------------===//
//
// Each operator on the kinds it takes, and the run-time errors: a read
// before a set, an index out of range, a division by zero, an overflow, a
// type a hostile plan gives, each at the expression's location.
//
//===----------------------------------------------------------------------===//
#include "runtime/engine/ExprEval.h"

#include "test/unit/support/PlanSteps.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <limits>
#include <optional>

using namespace sgl::runtime;
using namespace sgl::runtime::plan::test;
using K = plan::Expr::Kind;

namespace {

/// Slots 0.. hold `slots` (nullopt: not set); captures hold `outputs`.
class TestScope : public ExprScope {
public:
  std::vector<std::optional<Value>> slots;
  std::vector<Value> outputs;

  const Value *slot(uint32_t slot) const override {
    return slot < slots.size() && slots[slot] ? &*slots[slot] : nullptr;
  }
  const Value *output(uint32_t capture) const override {
    return capture < outputs.size() ? &outputs[capture] : nullptr;
  }
  std::string slotName(uint32_t slot) const override {
    std::string name = "s";
    return name += std::to_string(slot);
  }
};

Value list(std::vector<Value> values) { return Value::list(std::move(values)); }
Value i(int64_t v) { return Value::integer(v); }
Value d(double v) { return Value::number(v); }
Value b(bool v) { return Value::boolean(v); }

class ExprEvalTest : public ::testing::Test {
protected:
  /// The value of `e`; fails the test on an error.
  Value eval(const plan::Expr &e) {
    sgl::Expected<Value> v = evaluate(e, scope_, where_);
    EXPECT_TRUE(v) << v.error().message;
    return v ? *v : Value();
  }
  /// The error of `e` ("<value>" when it has a value).
  std::string error(const plan::Expr &e) {
    sgl::Expected<Value> v = evaluate(e, scope_, where_);
    return v ? "<value>" : v.error().message;
  }
  plan::Expr bin(K kind, plan::Expr a, plan::Expr b) {
    return op(kind, {std::move(a), std::move(b)});
  }

  TestScope scope_;
  plan::SourceLocation where_{"t.sgl", 7, 3};
};

TEST_F(ExprEvalTest, LiteralsAndLists) {
  EXPECT_EQ(eval(str("a")), Value("a"));
  EXPECT_EQ(eval(integer(-4)), i(-4));
  EXPECT_EQ(eval(number(0.5)), d(0.5));
  EXPECT_EQ(eval(boolean(true)), b(true));
  EXPECT_EQ(eval(listOf({str("a"), listOf({integer(1)}), listOf({})})),
            list({"a", list({i(1)}), list({})}));
}

TEST_F(ExprEvalTest, SlotsAndOutputs) {
  scope_.slots = {Value("x"), std::nullopt};
  scope_.outputs = {list({Value(), "a"})};
  EXPECT_EQ(eval(slotRef(0)), Value("x"));
  EXPECT_EQ(error(slotRef(1)), "t.sgl:7:3: 's1' is read before it is set");
  EXPECT_EQ(error(at(slotRef(9), "u.sgl", 2, 5)),
            "u.sgl:2:5: 's9' is read before it is set");
  EXPECT_EQ(eval(output(0)), list({Value(), "a"}));
  EXPECT_EQ(error(output(3)), "t.sgl:7:3: the program has no capture 3");
}

TEST_F(ExprEvalTest, Index) {
  scope_.slots = {list({"a", "b", "c"})};
  EXPECT_EQ(eval(bin(K::Index, slotRef(0), integer(2))), Value("c"));
  EXPECT_EQ(error(at(bin(K::Index, slotRef(0), integer(3)), "t.sgl", 4, 9)),
            "t.sgl:4:9: index 3 is out of range for a list of 3 elements");
  EXPECT_EQ(error(bin(K::Index, listOf({str("a")}), integer(1))),
            "t.sgl:7:3: index 1 is out of range for a list of 1 element");
  EXPECT_EQ(error(bin(K::Index, slotRef(0), integer(-1))),
            "t.sgl:7:3: index -1 is negative");
  EXPECT_EQ(error(bin(K::Index, str("abc"), integer(0))),
            "t.sgl:7:3: indexing needs a list and an int, not str and int");
  EXPECT_EQ(error(bin(K::Index, slotRef(0), number(1))),
            "t.sgl:7:3: indexing needs a list and an int, not list and "
            "number");
}

TEST_F(ExprEvalTest, FieldsAndItemsOfJsonAreProgramValues) {
  const char *text = R"({"name": "Ann", "age": 30, "score": 0.5,
                         "tags": ["a", "b"], "pet": {"kind": "cat"},
                         "ok": true, "none": null})";
  scope_.slots = {Value::json(text, nlohmann::ordered_json::parse(text))};
  EXPECT_EQ(eval(bin(K::Index, slotRef(0), str("name"))), Value("Ann"));
  EXPECT_EQ(eval(bin(K::Index, slotRef(0), str("age"))), i(30));
  EXPECT_EQ(eval(bin(K::Index, slotRef(0), str("score"))), d(0.5));
  EXPECT_EQ(eval(bin(K::Index, slotRef(0), str("ok"))), b(true));
  EXPECT_EQ(eval(bin(K::Index, slotRef(0), str("none"))), Value());
  EXPECT_EQ(eval(bin(K::Index, slotRef(0), str("tags"))), list({"a", "b"}));
  // An object stays JSON, so its own fields can be read in turn.
  Value pet = eval(bin(K::Index, slotRef(0), str("pet")));
  ASSERT_EQ(pet.kind(), Value::Kind::Json);
  EXPECT_EQ(pet.str(), R"({"kind":"cat"})");
  EXPECT_EQ(
      eval(bin(K::Index, bin(K::Index, slotRef(0), str("pet")), str("kind"))),
      Value("cat"));
  EXPECT_EQ(error(bin(K::Index, slotRef(0), str("nope"))),
            "t.sgl:7:3: the JSON object has no field 'nope'");
  EXPECT_EQ(error(bin(K::Index, slotRef(0), integer(0))),
            "t.sgl:7:3: a JSON object cannot be indexed by an int");
  const char *array = "[10, [20]]";
  scope_.slots = {Value::json(array, nlohmann::ordered_json::parse(array))};
  EXPECT_EQ(eval(bin(K::Index, slotRef(0), integer(0))), i(10));
  EXPECT_EQ(eval(bin(K::Index, slotRef(0), integer(1))), list({i(20)}));
  EXPECT_EQ(error(bin(K::Index, slotRef(0), integer(2))),
            "t.sgl:7:3: index 2 is out of range for a JSON array of 2 items");
}

TEST_F(ExprEvalTest, Len) {
  EXPECT_EQ(eval(op(K::Len, {str("h\xc3\xa9llo")})), i(5)); // UTF-8 chars
  EXPECT_EQ(eval(op(K::Len, {str("")})), i(0));
  EXPECT_EQ(eval(op(K::Len, {listOf({integer(1), integer(2)})})), i(2));
  scope_.slots = {
      Value::json("[1, 2, 3]", nlohmann::ordered_json::parse("[1, 2, 3]"))};
  EXPECT_EQ(eval(op(K::Len, {slotRef(0)})), i(3));
  EXPECT_EQ(error(op(K::Len, {integer(3)})),
            "t.sgl:7:3: 'len' cannot take an int");
}

TEST_F(ExprEvalTest, Negation) {
  EXPECT_EQ(eval(op(K::Neg, {integer(5)})), i(-5));
  EXPECT_EQ(eval(op(K::Neg, {number(0.25)})), d(-0.25));
  EXPECT_EQ(error(op(K::Neg, {integer(INT64_MIN)})),
            "t.sgl:7:3: integer overflow in '-'");
  EXPECT_EQ(error(op(K::Neg, {str("a")})), "t.sgl:7:3: '-' cannot take a str");
}

TEST_F(ExprEvalTest, IntArithmetic) {
  EXPECT_EQ(eval(bin(K::Add, integer(2), integer(3))), i(5));
  EXPECT_EQ(eval(bin(K::Sub, integer(2), integer(3))), i(-1));
  EXPECT_EQ(eval(bin(K::Mul, integer(-4), integer(3))), i(-12));
  // Division truncates; the remainder has the sign of the dividend.
  EXPECT_EQ(eval(bin(K::Div, integer(-7), integer(2))), i(-3));
  EXPECT_EQ(eval(bin(K::Mod, integer(-7), integer(2))), i(-1));
  EXPECT_EQ(eval(bin(K::Mod, integer(7), integer(-2))), i(1));
  EXPECT_EQ(eval(bin(K::Mod, integer(INT64_MIN), integer(-1))), i(0));
  EXPECT_EQ(error(bin(K::Div, integer(1), integer(0))),
            "t.sgl:7:3: division by zero");
  EXPECT_EQ(error(bin(K::Mod, integer(1), integer(0))),
            "t.sgl:7:3: modulo by zero");
  EXPECT_EQ(error(bin(K::Add, integer(INT64_MAX), integer(1))),
            "t.sgl:7:3: integer overflow in '+'");
  EXPECT_EQ(error(bin(K::Sub, integer(INT64_MIN), integer(1))),
            "t.sgl:7:3: integer overflow in '-'");
  EXPECT_EQ(error(bin(K::Mul, integer(INT64_MAX), integer(2))),
            "t.sgl:7:3: integer overflow in '*'");
  EXPECT_EQ(error(bin(K::Div, integer(INT64_MIN), integer(-1))),
            "t.sgl:7:3: integer overflow in '/'");
}

TEST_F(ExprEvalTest, NumberArithmetic) {
  EXPECT_EQ(eval(bin(K::Add, integer(1), number(0.5))), d(1.5));
  EXPECT_EQ(eval(bin(K::Sub, number(1), integer(3))), d(-2));
  EXPECT_EQ(eval(bin(K::Mul, number(1.5), number(2))), d(3));
  EXPECT_EQ(eval(bin(K::Div, integer(1), number(4))), d(0.25));
  EXPECT_EQ(eval(bin(K::Mod, number(-7.5), number(2))), d(-1.5));
  EXPECT_EQ(error(bin(K::Div, number(1), number(0))),
            "t.sgl:7:3: division by zero");
  EXPECT_EQ(error(bin(K::Mul, number(1e308), number(10))),
            "t.sgl:7:3: '*' gives a number that is not finite");
}

TEST_F(ExprEvalTest, StringConcatenation) {
  EXPECT_EQ(eval(bin(K::Add, str("ab"), str("c"))), Value("abc"));
  EXPECT_EQ(error(bin(K::Add, str("a"), integer(1))),
            "t.sgl:7:3: '+' cannot take str and int");
  EXPECT_EQ(error(bin(K::Sub, str("a"), str("b"))),
            "t.sgl:7:3: '-' cannot take str and str");
}

TEST_F(ExprEvalTest, Equality) {
  EXPECT_EQ(eval(bin(K::Eq, integer(1), number(1))), b(true));
  EXPECT_EQ(eval(bin(K::Ne, integer(1), number(1.5))), b(true));
  // Exact, not through a double: 2^53 + 1 is no double.
  EXPECT_EQ(eval(bin(K::Eq, integer((int64_t{1} << 53) + 1),
                     number(static_cast<double>(int64_t{1} << 53)))),
            b(false));
  EXPECT_EQ(eval(bin(K::Eq, str("a"), str("a"))), b(true));
  EXPECT_EQ(eval(bin(K::Eq, boolean(true), boolean(false))), b(false));
  EXPECT_EQ(eval(bin(K::Eq, listOf({integer(1), str("a")}),
                     listOf({number(1), str("a")}))),
            b(true));
  EXPECT_EQ(eval(bin(K::Eq, listOf({integer(1)}), listOf({}))), b(false));
  scope_.outputs = {list({Value(), "a"})};
  EXPECT_EQ(eval(bin(K::Eq, bin(K::Index, output(0), integer(0)), str("a"))),
            b(false)); // null equals only null
  EXPECT_EQ(error(bin(K::Eq, str("1"), integer(1))),
            "t.sgl:7:3: '==' cannot compare str and int");
  EXPECT_EQ(error(bin(K::Ne, listOf({str("1")}), listOf({integer(1)}))),
            "t.sgl:7:3: '!=' cannot compare str and int");
}

TEST_F(ExprEvalTest, Ordering) {
  EXPECT_EQ(eval(bin(K::Lt, integer(1), number(1.5))), b(true));
  EXPECT_EQ(eval(bin(K::Le, integer(2), integer(2))), b(true));
  EXPECT_EQ(eval(bin(K::Gt, number(-1), integer(0))), b(false));
  EXPECT_EQ(eval(bin(K::Ge, integer(3), integer(2))), b(true));
  // Strings compare bytewise: "B" < "a" < "z" < "\xc3\xa9".
  EXPECT_EQ(eval(bin(K::Lt, str("B"), str("a"))), b(true));
  EXPECT_EQ(eval(bin(K::Gt, str("\xc3\xa9"), str("z"))), b(true));
  EXPECT_EQ(eval(bin(K::Le, str("ab"), str("a"))), b(false));
  EXPECT_EQ(error(bin(K::Lt, str("a"), integer(1))),
            "t.sgl:7:3: '<' cannot take str and int");
  EXPECT_EQ(error(bin(K::Ge, boolean(true), boolean(false))),
            "t.sgl:7:3: '>=' cannot take bool and bool");
}

TEST_F(ExprEvalTest, Membership) {
  scope_.slots = {list({"a", "b"})};
  EXPECT_EQ(eval(bin(K::In, str("b"), slotRef(0))), b(true));
  EXPECT_EQ(eval(bin(K::In, str("c"), slotRef(0))), b(false));
  EXPECT_EQ(eval(bin(K::In, integer(2), listOf({number(2)}))), b(true));
  scope_.outputs = {list({Value(), "a"})};
  EXPECT_EQ(eval(bin(K::In, str("a"), output(0))), b(true));
  EXPECT_EQ(error(bin(K::In, str("a"), str("abc"))),
            "t.sgl:7:3: 'in' needs a list on its right, not str");
}

TEST_F(ExprEvalTest, LogicShortCircuits) {
  // The right operand would fail: it is not evaluated.
  plan::Expr failing = bin(K::Div, integer(1), integer(0));
  EXPECT_EQ(eval(bin(K::And, boolean(false), failing)), b(false));
  EXPECT_EQ(eval(bin(K::Or, boolean(true), failing)), b(true));
  EXPECT_EQ(eval(bin(K::And, boolean(true), boolean(false))), b(false));
  EXPECT_EQ(eval(bin(K::Or, boolean(false), boolean(true))), b(true));
  EXPECT_EQ(eval(op(K::Not, {boolean(false)})), b(true));
  EXPECT_EQ(error(bin(K::And, boolean(true), failing)),
            "t.sgl:7:3: division by zero");
  EXPECT_EQ(error(bin(K::And, integer(1), boolean(true))),
            "t.sgl:7:3: 'and' cannot take an int");
  EXPECT_EQ(error(bin(K::Or, boolean(false), str("x"))),
            "t.sgl:7:3: 'or' cannot take a str");
  EXPECT_EQ(error(op(K::Not, {integer(0)})),
            "t.sgl:7:3: 'not' cannot take an int");
}

TEST_F(ExprEvalTest, TheInnermostLocatedExpressionIsNamed) {
  plan::Expr inner = at(bin(K::Div, integer(1), integer(0)), "t.sgl", 3, 14);
  plan::Expr outer = at(bin(K::Add, integer(1), inner), "t.sgl", 3, 10);
  EXPECT_EQ(error(outer), "t.sgl:3:14: division by zero");
  // Without a location at all: the step's.
  EXPECT_EQ(error(bin(K::Add, integer(1), bin(K::Div, integer(1), integer(0)))),
            "t.sgl:7:3: division by zero");
}

TEST_F(ExprEvalTest, HostilePlansGetErrorsNotCrashes) {
  plan::Expr add = op(K::Add, {integer(1)});
  EXPECT_EQ(error(add), "t.sgl:7:3: add has 1 operands (expected 2)");
  plan::Expr odd = integer(1);
  odd.kind = static_cast<K>(99);
  EXPECT_EQ(error(odd), "t.sgl:7:3: unknown expression kind 99");
  EXPECT_EQ(error(op(K::Neg, {})), "t.sgl:7:3: neg has 0 operands (expected "
                                   "1)");
}

TEST_F(ExprEvalTest, EvaluateBool) {
  sgl::Expected<bool> yes =
      evaluateBool(bin(K::Lt, integer(1), integer(2)), scope_, where_, "if");
  ASSERT_TRUE(yes);
  EXPECT_TRUE(*yes);
  sgl::Expected<bool> no = evaluateBool(integer(1), scope_, where_, "if");
  ASSERT_FALSE(no);
  EXPECT_EQ(no.error().message, "t.sgl:7:3: if needs a bool, not an int");
}

TEST(ValueText, EachKindAsProgramText) {
  EXPECT_EQ(toText(Value("a \"b\"")), "a \"b\"");
  EXPECT_EQ(toText(i(-42)), "-42");
  EXPECT_EQ(toText(d(2)), "2.0");
  EXPECT_EQ(toText(d(0.1)), "0.1");
  EXPECT_EQ(toText(d(1e20)), "1e+20");
  EXPECT_EQ(toText(d(-1.5e-7)), "-1.5e-07");
  EXPECT_EQ(toText(b(true)), "true");
  EXPECT_EQ(toText(b(false)), "false");
  EXPECT_EQ(toText(Value()), "null");
  EXPECT_EQ(toText(list({"a", "b\n\"c\""})), "[\"a\", \"b\\n\\\"c\\\"\"]");
  EXPECT_EQ(toText(list({list({i(1), d(2)}), list({}), Value(), b(true)})),
            "[[1, 2.0], [], null, true]");
  EXPECT_EQ(toText(list({})), "[]");
  // A json value is the exact text the model wrote, even inside a list.
  Value json = Value::json("{ \"a\" : 1 }", nlohmann::ordered_json{{"a", 1}});
  EXPECT_EQ(toText(json), "{ \"a\" : 1 }");
  EXPECT_EQ(toText(list({json})), "[{ \"a\" : 1 }]");
  EXPECT_EQ(toText(list({"bad \xff"})), "[\"bad \xef\xbf\xbd\"]");
}

TEST(ValueText, AsJson) {
  Value json = Value::json("[1]", nlohmann::ordered_json::array({1}));
  nlohmann::ordered_json out =
      toJson(list({"a", i(1), d(0.5), b(false), Value(), json, list({})}));
  EXPECT_EQ(out.dump(), R"(["a",1,0.5,false,null,[1],[]])");
}

TEST(ValueText, ListsAreSharedUntilChanged) {
  Value a = list({"x"});
  Value copy = a;
  EXPECT_EQ(&a.list(), &copy.list());
  copy.mutableList().push_back("y");
  EXPECT_EQ(a, list({"x"}));
  EXPECT_EQ(copy, list({"x", "y"}));
  Value::List *before = &copy.mutableList();
  EXPECT_EQ(before, &copy.mutableList()) << "an unshared list is not copied";
}

} // namespace
