// RUN: sgl-opt %s -split-input-file | sgl-opt -split-input-file | FileCheck %s
// RUN: sgl-opt %s -split-input-file --mlir-print-op-generic | sgl-opt -split-input-file | FileCheck %s
// RUN: sgl-translate %s -split-input-file --sgl-to-plan-json | FileCheck %s --check-prefix=PLAN

// A gen's constraint is an attribute: `regex` holds the pattern, and
// `json_schema` the schema's JSON text. Both print and parse back as they
// were written, escapes included, and translate into the plan's gen.

// CHECK-LABEL: sgl.program @regex_gen args [] {
// CHECK:         %{{.+}}, %[[CODE:.+]] = sgl.gen %{{.+}} {max_tokens = 12 : i64, regex = "[A-Z]{3}-[0-9]{4}\\.\22"} : !sgl.str
// CHECK-NEXT:    sgl.capture "code", %[[CODE]] : !sgl.str
// PLAN-LABEL:  "name": "regex_gen",
// PLAN:          "op": "gen",
// PLAN-NEXT:     "slot": 0,
// PLAN-NEXT:     "max_tokens": 12,
// PLAN-NEXT:     "regex": "[A-Z]{3}-[0-9]{4}\\.\"",
// PLAN-NEXT:     "loc": "r.sgl:2:3"
sgl.program @regex_gen args [] {
^bb0(%c0: !sgl.ctx):
  %c1, %code = sgl.gen %c0 {max_tokens = 12 : i64, regex = "[A-Z]{3}-[0-9]{4}\\.\""} : !sgl.str loc("r.sgl":2:3)
  sgl.capture "code", %code : !sgl.str
  sgl.yield %c1
}

// -----

// CHECK-LABEL: sgl.program @schema_gen args [] {
// CHECK:         %{{.+}}, %[[P:.+]] = sgl.gen %{{.+}} {json_schema = "{\22type\22: \22object\22, \22properties\22: {\22age\22: {\22type\22: \22integer\22}}}", temperature = 0.000000e+00 : f64} : !sgl.json
// CHECK-NEXT:    sgl.capture "person", %[[P]] : !sgl.json
// PLAN-LABEL:  "name": "schema_gen",
// PLAN:          "op": "gen",
// PLAN-NEXT:     "slot": 0,
// PLAN-NEXT:     "temperature": 0.0,
// PLAN-NEXT:     "json_schema": "{\"type\": \"object\", \"properties\": {\"age\": {\"type\": \"integer\"}}}"
sgl.program @schema_gen args [] {
^bb0(%c0: !sgl.ctx):
  %c1, %p = sgl.gen %c0 {json_schema = "{\"type\": \"object\", \"properties\": {\"age\": {\"type\": \"integer\"}}}", temperature = 0.0 : f64} : !sgl.json
  sgl.capture "person", %p : !sgl.json
  sgl.yield %c1
}
