// RUN: sgl-translate %s -split-input-file --sgl-to-plan-json | FileCheck %s

// Slots: arguments first (in `args` order, whatever order sgl.arg is read
// in), then one per generation/selection in op order. A string generated
// inside a chat message and read after it (sgl.read) keeps its slot.

// CHECK-LABEL: "name": "chat"
// CHECK:        "args": [
// CHECK-NEXT:     {
// CHECK-NEXT:       "name": "q1",
// CHECK-NEXT:       "type": "str"
// CHECK-NEXT:     },
// CHECK-NEXT:     {
// CHECK-NEXT:       "name": "q2",
// CHECK-NEXT:       "type": "str"
// CHECK-NEXT:     }
// CHECK-NEXT:   ],
// CHECK-NEXT:   "num_slots": 4,
// CHECK-NEXT:   "slot_types": [
// CHECK-NEXT:     "str",
// CHECK-NEXT:     "str",
// CHECK-NEXT:     "str",
// CHECK-NEXT:     "str"
// CHECK-NEXT:   ],
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
// CHECK-NEXT:       "value": {"slot":1},
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
// CHECK-NEXT:       "value": {"slot":2,"loc":"chat.sgl:5:3"},
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
  %q2 = sgl.arg "q2" : !sgl.str
  %c1 = sgl.role system %c0 {
  ^bb0(%m0: !sgl.ctx):
    %m1 = sgl.text %m0 "Be brief." loc("chat.sgl":2:12)
    sgl.yield %m1 loc("chat.sgl":2:23)
  } loc("chat.sgl":2:3)
  %c2 = sgl.role user %c1 {
  ^bb0(%m0: !sgl.ctx):
    %m1 = sgl.append %m0, %q2 : !sgl.str
    sgl.yield %m1
  }
  %c3 = sgl.role assistant %c2 {
  ^bb0(%m0: !sgl.ctx):
    %m1, %g = sgl.gen %m0 {max_tokens = 64 : i64, stop = ["\n"], temperature = 0.5 : f64, top_p = 0.75 : f64, top_k = 20 : i64, seed = 7 : i64} : !sgl.str loc("chat.sgl":4:15)
    sgl.capture "a1", %g : !sgl.str
    sgl.yield %m1
  }
  %a1 = sgl.read "a1" : !sgl.str loc("chat.sgl":5:3)
  %c4 = sgl.append %c3, %a1 : !sgl.str
  %c5, %ok = sgl.select %c4 ["yes", "no"]
  sgl.capture "ok", %ok : !sgl.str
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
  %c1, %s = sgl.gen %c0 : !sgl.str loc(callsite("f.sgl":9:2 at "g.sgl":1:1))
  sgl.capture "s", %s : !sgl.str
  sgl.yield %c1
}

// -----

// Control flow: an if holds its two blocks, a loop its body (the loop
// variable in its own slot) and the captures made in it; break ends a
// region; expressions become trees at their use, sgl.collected an output
// read of the capture's index.

// CHECK-LABEL: "name": "loops"
// CHECK:         "num_slots": 4,
// CHECK-NEXT:    "slot_types": [
// CHECK-NEXT:      "int",
// CHECK-NEXT:      "int",
// CHECK-NEXT:      "str",
// CHECK-NEXT:      "str"
// CHECK-NEXT:    ],
// CHECK-NEXT:    "steps": [
// CHECK-NEXT:      {
// CHECK-NEXT:        "op": "for_range",
// CHECK-NEXT:        "slot": 1,
// CHECK-NEXT:        "from": 0,
// CHECK-NEXT:        "to": {"slot":0},
// CHECK-NEXT:        "captures": [
// CHECK-NEXT:          0
// CHECK-NEXT:        ],
// CHECK-NEXT:        "body": [
// CHECK-NEXT:          {
// CHECK-NEXT:            "op": "gen",
// CHECK-NEXT:            "slot": 2,
// CHECK-NEXT:            "loc": "l.sgl:3:5"
// CHECK-NEXT:          },
// CHECK-NEXT:          {
// CHECK-NEXT:            "op": "if",
// CHECK-NEXT:            "cond": {"eq":[{"slot":2},"stop"],"loc":"l.sgl:4:10"},
// CHECK-NEXT:            "then": [
// CHECK-NEXT:              {
// CHECK-NEXT:                "op": "break",
// CHECK-NEXT:                "loc": "l.sgl:4:20"
// CHECK-NEXT:              }
// CHECK-NEXT:            ],
// CHECK-NEXT:            "else": [
// CHECK-NEXT:              {
// CHECK-NEXT:                "op": "append",
// CHECK-NEXT:                "value": {"slot":1},
// CHECK-NEXT:                "loc": "l.sgl:5:5"
// CHECK-NEXT:              }
// CHECK-NEXT:            ],
// CHECK-NEXT:            "loc": "l.sgl:4:3"
// CHECK-NEXT:          }
// CHECK-NEXT:        ],
// CHECK-NEXT:        "loc": "l.sgl:2:3"
// CHECK-NEXT:      },
// CHECK-NEXT:      {
// CHECK-NEXT:        "op": "gen",
// CHECK-NEXT:        "slot": 3,
// CHECK:           "op": "append",
// CHECK-NEXT:        "value": {"len":[{"output":0,"loc":"l.sgl:8:8"}],"loc":"l.sgl:8:4"},
// CHECK:         "captures": [
// CHECK-NEXT:      {
// CHECK-NEXT:        "name": "word",
// CHECK-NEXT:        "slot": 2,
// CHECK-NEXT:        "depth": 1
// CHECK-NEXT:      },
// CHECK-NEXT:      {
// CHECK-NEXT:        "name": "last",
// CHECK-NEXT:        "slot": 3
// CHECK-NEXT:      }
// CHECK-NEXT:    ]
sgl.program @loops args ["n"] attributes {arg_types = [!sgl.int]} {
^bb0(%c0: !sgl.ctx):
  %n = sgl.arg "n" : !sgl.int
  %zero = sgl.const 0 -> !sgl.int
  %c1 = sgl.for_range %c0, %zero, %n {
  ^bb0(%c: !sgl.ctx, %i: !sgl.int):
    %c2, %w = sgl.gen %c : !sgl.str loc("l.sgl":3:5)
    sgl.capture "word", %w : !sgl.str
    %stop = sgl.const "stop" -> !sgl.str
    %done = sgl.binary eq %w, %stop : !sgl.str, !sgl.str -> !sgl.bool loc("l.sgl":4:10)
    %c3 = sgl.if %done, %c2 {
    ^bb0(%t: !sgl.ctx):
      sgl.break %t loc("l.sgl":4:20)
    } else {
    ^bb0(%e: !sgl.ctx):
      %e1 = sgl.append %e, %i : !sgl.int loc("l.sgl":5:5)
      sgl.yield %e1
    } loc("l.sgl":4:3)
    sgl.yield %c3
  } loc("l.sgl":2:3)
  %c4, %last = sgl.gen %c1 : !sgl.str loc("l.sgl":7:3)
  sgl.capture "last", %last : !sgl.str
  %words = sgl.collected "word" : !sgl.list<!sgl.str> loc("l.sgl":8:8)
  %count = sgl.len %words : !sgl.list<!sgl.str> loc("l.sgl":8:4)
  %c5 = sgl.append %c4, %count : !sgl.int loc("l.sgl":8:3)
  sgl.yield %c5
}
