// min_p and the penalties print, parse back, and reach the plan as the
// 32-bit floats it stores.
// RUN: sgl-opt %s --mlir-print-op-generic | sgl-opt | FileCheck %s --check-prefix=IR
// RUN: sgl-translate %s --sgl-to-plan-json | FileCheck %s --check-prefix=PLAN

// IR-LABEL: sgl.program @sampling
// IR:         sgl.gen %{{.*}} {frequency_penalty = 5.000000e-01 : f64, min_p = 1.000000e-01 : f64, presence_penalty = -1.250000e+00 : f64, repetition_penalty = 1.100000e+00 : f64, temperature = 0.000000e+00 : f64} : !sgl.str
// IR:         sgl.gen %{{.*}} {repetition_penalty = 8.000000e-01 : f64} : !sgl.str

// PLAN:        "op": "gen",
// PLAN-NEXT:   "slot": 0,
// PLAN-NEXT:   "temperature": 0.0,
// PLAN-NEXT:   "min_p": 0.1,
// PLAN-NEXT:   "repetition_penalty": 1.1,
// PLAN-NEXT:   "frequency_penalty": 0.5,
// PLAN-NEXT:   "presence_penalty": -1.25,
// PLAN:        "op": "gen",
// PLAN-NEXT:   "slot": 1,
// PLAN-NEXT:   "repetition_penalty": 0.8,
// PLAN-NEXT:   "loc":
sgl.program @sampling args [] {
^bb0(%c0: !sgl.ctx):
  %c1, %a = sgl.gen %c0 {temperature = 0.0 : f64, min_p = 0.1 : f64, repetition_penalty = 1.1 : f64, frequency_penalty = 0.5 : f64, presence_penalty = -1.25 : f64} : !sgl.str
  sgl.capture "a", %a : !sgl.str
  %c2, %b = sgl.gen %c1 {repetition_penalty = 0.8 : f64} : !sgl.str
  sgl.capture "b", %b : !sgl.str
  sgl.yield %c2
}
