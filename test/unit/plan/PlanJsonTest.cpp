//===- PlanJsonTest.cpp - The JSON rendering of plans ---------------------===//
#include "runtime/plan/PlanJson.h"

#include "SamplePlans.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace sgl::runtime::plan;
using namespace sgl::runtime::plan::test;

namespace {

TEST(PlanJson, GoldenSmallPlan) {
  GenParams params;
  params.maxTokens = 16;
  params.stop = {"\n"};
  params.temperature = 0.7f;
  Program p;
  p.name = "greet";
  p.args = strArgs({"name"});
  p.body.steps = {at(roleBegin(Role::User), "greet.sgl", 2, 3),
                  text("Hello, "),
                  append(0),
                  roleEnd(Role::User),
                  at(gen(1, params), "greet.sgl", 3, 5),
                  select(2, {"yes", "no"})};
  p.captures = {{"reply", 1}, {"ok", 2}};
  completeProgram(p);
  Plan plan;
  plan.producer = "sglc 0.1";
  plan.programs = {p};

  const char *expected = R"({
  "format": "sgl-plan",
  "version": "2.2",
  "producer": "sglc 0.1",
  "programs": [
    {
      "name": "greet",
      "args": [
        {
          "name": "name",
          "type": "str"
        }
      ],
      "num_slots": 3,
      "slot_types": [
        "str",
        "str",
        "str"
      ],
      "steps": [
        {
          "op": "role_begin",
          "role": "user",
          "loc": "greet.sgl:2:3"
        },
        {
          "op": "text",
          "text": "Hello, "
        },
        {
          "op": "append",
          "value": {"slot":0}
        },
        {
          "op": "role_end",
          "role": "user"
        },
        {
          "op": "gen",
          "slot": 1,
          "max_tokens": 16,
          "stop": [
            "\n"
          ],
          "temperature": 0.7,
          "loc": "greet.sgl:3:5"
        },
        {
          "op": "select",
          "slot": 2,
          "choices": [
            "yes",
            "no"
          ]
        }
      ],
      "captures": [
        {
          "name": "reply",
          "slot": 1
        },
        {
          "name": "ok",
          "slot": 2
        }
      ]
    }
  ]
}
)";
  EXPECT_EQ(planToJson(plan), expected);
}

TEST(PlanJson, GoldenControlFlow) {
  using K = Expr::Kind;
  Program p = programOf(
      "loops",
      {arg("items", strListType(), listOf({str("a"), str("b")})),
       arg("n", intType(), integer(2)), arg("w", numberType(), number(2))},
      {forEach(
           3, slotRef(0),
           {at(ifStep(at(op(K::Eq, {slotRef(3), str("stop")}), "l.sgl", 3, 8),
                      {breakStep()}),
               "l.sgl", 3, 5),
            append(op(K::Add, {slotRef(3), str(": ")})), gen(4)}),
       forRange(5, integer(0), op(K::Mul, {slotRef(1), slotRef(2)}),
                {ifStep(op(K::Lt, {slotRef(5), integer(1)}), {text("first")},
                        {select(6, {"x", "y"})})}),
       append(op(K::Index, {output(0), op(K::Neg, {integer(1)})}))},
      {{"answers", 4}, {"picks", 6}});
  Plan plan;
  plan.producer = "sglc 0.2";
  plan.programs = {p};
  const char *expected = R"({
  "format": "sgl-plan",
  "version": "2.2",
  "producer": "sglc 0.2",
  "programs": [
    {
      "name": "loops",
      "args": [
        {
          "name": "items",
          "type": "[str]",
          "default": {"list":["a","b"]}
        },
        {
          "name": "n",
          "type": "int",
          "default": 2
        },
        {
          "name": "w",
          "type": "number",
          "default": 2.0
        }
      ],
      "num_slots": 7,
      "slot_types": [
        "[str]",
        "int",
        "number",
        "str",
        "str",
        "int",
        "str"
      ],
      "steps": [
        {
          "op": "for_each",
          "slot": 3,
          "list": {"slot":0},
          "captures": [
            0
          ],
          "body": [
            {
              "op": "if",
              "cond": {"eq":[{"slot":3},"stop"],"loc":"l.sgl:3:8"},
              "then": [
                {
                  "op": "break"
                }
              ],
              "loc": "l.sgl:3:5"
            },
            {
              "op": "append",
              "value": {"add":[{"slot":3},": "]}
            },
            {
              "op": "gen",
              "slot": 4
            }
          ]
        },
        {
          "op": "for_range",
          "slot": 5,
          "from": 0,
          "to": {"mul":[{"slot":1},{"slot":2}]},
          "captures": [
            1
          ],
          "body": [
            {
              "op": "if",
              "cond": {"lt":[{"slot":5},1]},
              "then": [
                {
                  "op": "text",
                  "text": "first"
                }
              ],
              "else": [
                {
                  "op": "select",
                  "slot": 6,
                  "choices": [
                    "x",
                    "y"
                  ]
                }
              ]
            }
          ]
        },
        {
          "op": "append",
          "value": {"index":[{"output":0},{"neg":[1]}]}
        }
      ],
      "captures": [
        {
          "name": "answers",
          "slot": 4,
          "depth": 1
        },
        {
          "name": "picks",
          "slot": 6,
          "depth": 1
        }
      ]
    }
  ]
}
)";
  EXPECT_EQ(planToJson(plan), expected);
  // The rendering is JSON, whatever it holds.
  EXPECT_TRUE(nlohmann::json::accept(planToJson(fullPlan())));
}

TEST(PlanJson, EmptyPlan) {
  Plan plan;
  EXPECT_EQ(planToJson(plan), R"({
  "format": "sgl-plan",
  "version": "2.2",
  "producer": "",
  "programs": []
}
)");
}

TEST(PlanJson, AllGenOptionalsInFixedOrder) {
  Plan plan = fullPlan();
  nlohmann::ordered_json json = nlohmann::ordered_json::parse(planToJson(plan));
  const auto &g = json["programs"][0]["steps"][9];
  std::vector<std::string> keys;
  for (auto it = g.begin(); it != g.end(); ++it)
    keys.push_back(it.key());
  EXPECT_EQ(keys, (std::vector<std::string>{
                      "op", "slot", "max_tokens", "stop", "temperature",
                      "top_p", "top_k", "seed", "min_p", "repetition_penalty",
                      "frequency_penalty", "presence_penalty", "loc"}));
  EXPECT_EQ(g["seed"].get<uint64_t>(), 1234567890123ull);
  EXPECT_EQ(g["top_p"].dump(), "0.9");
  EXPECT_EQ(g["temperature"].dump(), "0.7");
  // Floats print as written: the shortest text that reads back as them.
  EXPECT_EQ(g["min_p"].dump(), "0.05");
  EXPECT_EQ(g["repetition_penalty"].dump(), "1.3");
  EXPECT_EQ(g["frequency_penalty"].dump(), "-0.5");
  EXPECT_EQ(g["presence_penalty"].dump(), "2.0");
  // A gen without parameters shows only its slot.
  EXPECT_EQ(json["programs"][0]["steps"][14].dump(),
            R"({"op":"gen","slot":4})");
  // A location without a file still renders.
  EXPECT_EQ(json["programs"][0]["steps"][12]["loc"], "<input>:9:1");
  EXPECT_EQ(json["programs"][2].dump(),
            R"({"name":"empty","args":[],"num_slots":0,"slot_types":[],)"
            R"("steps":[],"captures":[]})");
}

TEST(PlanJson, Deterministic) {
  EXPECT_EQ(planToJson(fullPlan()), planToJson(fullPlan()));
}

TEST(PlanJson, InvalidUtf8DoesNotThrow) {
  Plan plan = smallPlan();
  plan.programs[0].body.steps[0].text = "bad \xff byte";
  std::string json = planToJson(plan);
  EXPECT_NE(json.find("bad \xef\xbf\xbd byte"), std::string::npos) << json;
}

} // namespace
