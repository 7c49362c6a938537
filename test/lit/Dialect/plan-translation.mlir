// RUN: sgl-translate %s -split-input-file --sgl-to-plan-json | FileCheck %s

// Slots: arguments first (in `args` order, whatever order sgl.arg is read
// in), then one per generation/selection in op order. A string generated
// inside a chat message and returned by the role keeps its slot.

// CHECK-LABEL: "name": "chat"
// CHECK:        "args": [
// CHECK-NEXT:     "q1",
// CHECK-NEXT:     "q2"
// CHECK-NEXT:   ],
// CHECK-NEXT:   "num_slots": 4,
// CHECK-NEXT:   "steps": [
// CHECK-NEXT:     {
// CHECK-NEXT:       "op": "role_begin",
// CHECK-NEXT:       "role": "system",
// CHECK-NEXT:       "loc": "chat.sgl:2:3"
// CHECK-NEXT:     },
// CHECK-NEXT:     {
// CHECK-NEXT:       "op": "text",
// CHECK-NEXT:       "text": "Be brief.",
// CHECK-NEXT:       "loc": "chat.sgl:2:12"
// CHECK-NEXT:     },
// CHECK-NEXT:     {
// CHECK-NEXT:       "op": "role_end",
// CHECK-NEXT:       "role": "system",
// CHECK-NEXT:       "loc": "chat.sgl:2:23"
// CHECK-NEXT:     },
// CHECK-NEXT:     {
// CHECK-NEXT:       "op": "role_begin",
// CHECK-NEXT:       "role": "user",
// CHECK:            "op": "append",
// CHECK-NEXT:       "slot": 1,
// CHECK:            "op": "role_end",
// CHECK-NEXT:       "role": "user",
// CHECK:            "op": "role_begin",
// CHECK-NEXT:       "role": "assistant",
// CHECK:            "op": "gen",
// CHECK-NEXT:       "slot": 2,
// CHECK-NEXT:       "max_tokens": 64,
// CHECK-NEXT:       "stop": [
// CHECK-NEXT:         "\n"
// CHECK-NEXT:       ],
// CHECK-NEXT:       "temperature": 0.5,
// CHECK-NEXT:       "top_p": 0.75,
// CHECK-NEXT:       "top_k": 20,
// CHECK-NEXT:       "seed": 7,
// CHECK-NEXT:       "loc": "chat.sgl:4:15"
// CHECK:            "op": "role_end",
// CHECK-NEXT:       "role": "assistant",
// CHECK:            "op": "append",
// CHECK-NEXT:       "slot": 2,
// CHECK:            "op": "select",
// CHECK-NEXT:       "slot": 3,
// CHECK-NEXT:       "choices": [
// CHECK-NEXT:         "yes",
// CHECK-NEXT:         "no"
// CHECK-NEXT:       ],
// CHECK:          "captures": [
// CHECK-NEXT:     {
// CHECK-NEXT:       "name": "a1",
// CHECK-NEXT:       "slot": 2
// CHECK-NEXT:     },
// CHECK-NEXT:     {
// CHECK-NEXT:       "name": "ok",
// CHECK-NEXT:       "slot": 3
// CHECK-NEXT:     }
// CHECK-NEXT:   ]
sgl.program @chat args ["q1", "q2"] {
^bb0(%c0: !sgl.ctx):
  %q2 = sgl.arg "q2"
  %c1 = sgl.role system %c0 {
  ^bb0(%m0: !sgl.ctx):
    %m1 = sgl.text %m0 "Be brief." loc("chat.sgl":2:12)
    sgl.yield %m1 loc("chat.sgl":2:23)
  } loc("chat.sgl":2:3)
  %c2 = sgl.role user %c1 {
  ^bb0(%m0: !sgl.ctx):
    %m1 = sgl.append %m0, %q2
    sgl.yield %m1
  }
  %c3, %a1 = sgl.role assistant %c2 -> !sgl.str {
  ^bb0(%m0: !sgl.ctx):
    %m1, %g = sgl.gen %m0 {max_tokens = 64 : i64, stop = ["\n"], temperature = 0.5 : f64, top_p = 0.75 : f64, top_k = 20 : i64, seed = 7 : i64} loc("chat.sgl":4:15)
    sgl.capture "a1", %g
    sgl.yield %m1, %g : !sgl.str
  }
  %c4 = sgl.append %c3, %a1
  %c5, %ok = sgl.select %c4 ["yes", "no"]
  sgl.capture "ok", %ok
  sgl.yield %c5
}

// -----

// Programs come out in op order; a step's location is the first file
// location of a fused one (what sgl-fold-text leaves behind).

// CHECK-LABEL: "name": "first"
// CHECK:         "num_slots": 0,
// CHECK:           "op": "text",
// CHECK-NEXT:      "text": "ab",
// CHECK-NEXT:      "loc": "f.sgl:1:1"
// CHECK:         "captures": []
// CHECK-LABEL: "name": "second"
// CHECK:           "op": "gen",
// CHECK-NEXT:      "slot": 0,
// CHECK-NEXT:      "loc": "f.sgl:9:2"
sgl.program @first args [] {
^bb0(%c0: !sgl.ctx):
  %c1 = sgl.text %c0 "ab" loc(fused[unknown, "f.sgl":1:1, "f.sgl":1:5])
  sgl.yield %c1
}
sgl.program @second args [] {
^bb0(%c0: !sgl.ctx):
  %c1, %s = sgl.gen %c0 loc(callsite("f.sgl":9:2 at "g.sgl":1:1))
  sgl.capture "s", %s
  sgl.yield %c1
}
