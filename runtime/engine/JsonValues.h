//===- JsonValues.h - JSON a model wrote as program values ------*- C++ -*-===//
//
// A json_schema gen's capture is the JSON value the model wrote. A typed
// gen (`gen n: int`, `gen tags: [str]`) has a slot of the value type its
// schema always gives, so its JSON becomes that value; and the fields and
// items of a json value read by a program (`info.name`, `info.tags[0]`) are
// program values too: strings, ints, numbers, bools, lists, null, and json
// for objects.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_ENGINE_JSONVALUES_H
#define SGL_RUNTIME_ENGINE_JSONVALUES_H

#include "runtime/engine/Value.h"
#include "runtime/plan/Plan.h"
#include "runtime/support/Expected.h"

#include <nlohmann/json_fwd.hpp>

#include <string>

namespace sgl::runtime {

/// The program value of a JSON value read out of a json value: a string
/// is a str, an integer an int (one beyond int64 a number), a real a
/// number, true/false a bool, null null, an array a list of the values of
/// its items, and an object a json value (its text: the object as JSON).
Value jsonItemValue(const nlohmann::ordered_json &json);

/// The value of a json_schema gen whose slot has `type`, from the `text`
/// the model wrote and its parse: a json value for `json`, else the value
/// of that type (an error naming the type when the JSON is not of it).
Expected<Value> genJsonValue(const plan::ValueType &type, std::string text,
                             nlohmann::ordered_json json);

} // namespace sgl::runtime

#endif // SGL_RUNTIME_ENGINE_JSONVALUES_H
