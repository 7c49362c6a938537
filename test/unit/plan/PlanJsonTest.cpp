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
  p.args = {"name"};
  p.numSlots = 3;
  p.steps = {at(roleBegin(Role::User), "greet.sgl", 2, 3),
             text("Hello, "),
             append(0),
             roleEnd(Role::User),
             at(gen(1, params), "greet.sgl", 3, 5),
             select(2, {"yes", "no"})};
  p.captures = {{"reply", 1}, {"ok", 2}};
  Plan plan;
  plan.producer = "sglc 0.1";
  plan.programs = {p};

  const char *expected = R"({
  "format": "sgl-plan",
  "version": "1.1",
  "producer": "sglc 0.1",
  "programs": [
    {
      "name": "greet",
      "args": [
        "name"
      ],
      "num_slots": 3,
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
          "slot": 0
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

TEST(PlanJson, EmptyPlan) {
  Plan plan;
  EXPECT_EQ(planToJson(plan), R"({
  "format": "sgl-plan",
  "version": "1.1",
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
  EXPECT_EQ(keys, (std::vector<std::string>{"op", "slot", "max_tokens", "stop",
                                            "temperature", "top_p", "top_k",
                                            "seed", "loc"}));
  EXPECT_EQ(g["seed"].get<uint64_t>(), 1234567890123ull);
  EXPECT_EQ(g["top_p"].dump(), "0.9");
  EXPECT_EQ(g["temperature"].dump(), "0.7");
  // A gen without parameters shows only its slot.
  EXPECT_EQ(json["programs"][0]["steps"][14].dump(),
            R"({"op":"gen","slot":4})");
  // A location without a file still renders.
  EXPECT_EQ(json["programs"][0]["steps"][12]["loc"], "<input>:9:1");
  EXPECT_EQ(json["programs"][2].dump(),
            R"({"name":"empty","args":[],"num_slots":0,"steps":[],)"
            R"("captures":[]})");
}

TEST(PlanJson, Deterministic) {
  EXPECT_EQ(planToJson(fullPlan()), planToJson(fullPlan()));
}

TEST(PlanJson, InvalidUtf8DoesNotThrow) {
  Plan plan = smallPlan();
  plan.programs[0].steps[0].text = "bad \xff byte";
  std::string json = planToJson(plan);
  EXPECT_NE(json.find("bad \xef\xbf\xbd byte"), std::string::npos) << json;
}

} // namespace
