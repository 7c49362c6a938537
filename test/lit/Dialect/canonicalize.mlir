// RUN: sgl-opt %s -split-input-file -canonicalize | FileCheck %s

// -canonicalize runs the sgl.text patterns (merge, drop empty).

// CHECK-LABEL: sgl.program @merge_and_drop
// CHECK-NEXT:  ^bb0(%[[C0:.+]]: !sgl.ctx):
// CHECK-NEXT:    %[[C1:.+]] = sgl.text %[[C0]] "To answer: "
// CHECK-NEXT:    sgl.yield %[[C1]]
sgl.program @merge_and_drop args [] {
^bb0(%c0: !sgl.ctx):
  %c1 = sgl.text %c0 "To "
  %c2 = sgl.text %c1 ""
  %c3 = sgl.text %c2 "answer: "
  sgl.yield %c3
}

// -----

// Reading an argument has no effect: an unused sgl.arg is dropped.

// CHECK-LABEL: sgl.program @unused_argument
// CHECK-NOT:     sgl.arg "unused"
// CHECK:         %[[Q:.+]] = sgl.arg "used" : !sgl.str
// CHECK-NEXT:    sgl.append %{{.+}}, %[[Q]] : !sgl.str
sgl.program @unused_argument args ["unused", "used"] {
^bb0(%c0: !sgl.ctx):
  %u = sgl.arg "unused" : !sgl.str
  %q = sgl.arg "used" : !sgl.str
  %c1 = sgl.append %c0, %q : !sgl.str
  sgl.yield %c1
}

// -----

// A generation is a sample, not a pure function of the prompt: one whose
// context and text are both unused is still kept, and so is its capture.

// CHECK-LABEL: sgl.program @generation_is_kept
// CHECK:         %{{.+}}, %[[S:.+]] = sgl.gen
// CHECK-NEXT:    %{{.+}}, %[[T:.+]] = sgl.gen
// CHECK-NEXT:    sgl.capture "t", %[[T]] : !sgl.str
sgl.program @generation_is_kept args [] {
^bb0(%c0: !sgl.ctx):
  %c1, %s = sgl.gen %c0 {max_tokens = 8 : i64} : !sgl.str
  %c2, %t = sgl.gen %c0 {max_tokens = 8 : i64} : !sgl.str
  sgl.capture "t", %t : !sgl.str
  sgl.yield %c1
}

// -----

// A chat message with only text has no effect and folds like any text
// inside it; the role itself stays (it shapes the prompt).

// CHECK-LABEL: sgl.program @role_with_text
// CHECK:         sgl.role system
// CHECK:           sgl.text %{{.+}} "Be brief."
// CHECK-NEXT:      sgl.yield
sgl.program @role_with_text args [] {
^bb0(%c0: !sgl.ctx):
  %c1 = sgl.role system %c0 {
  ^bb0(%m0: !sgl.ctx):
    %m1 = sgl.text %m0 "Be "
    %m2 = sgl.text %m1 "brief."
    sgl.yield %m2
  }
  sgl.yield %c1
}

// -----

// Text folds inside each region of sgl.if, sgl.for and sgl.for_range (a
// break ends a run like a yield), but never across a region boundary: the
// text before an op with regions, the text at the start or end of each of
// its blocks, and the text after it stay apart.

// CHECK-LABEL: sgl.program @text_in_control_flow
// CHECK-NEXT:  ^bb0(%[[C0:.+]]: !sgl.ctx):
// CHECK-NEXT:    %[[B:.+]] = sgl.arg "b" : !sgl.bool
// CHECK-NEXT:    %[[ITEMS:.+]] = sgl.arg "items" : !sgl.list<!sgl.str>
// CHECK-NEXT:    %[[N:.+]] = sgl.arg "n" : !sgl.int
// CHECK-NEXT:    %[[C1:.+]] = sgl.text %[[C0]] "before if"
// CHECK-NEXT:    %[[C2:.+]] = sgl.if %[[B]], %[[C1]] {
// CHECK-NEXT:    ^bb0(%[[T0:.+]]: !sgl.ctx):
// CHECK-NEXT:      %[[T1:.+]] = sgl.text %[[T0]] "then arm"
// CHECK-NEXT:      sgl.yield %[[T1]]
// CHECK-NEXT:    } else {
// CHECK-NEXT:    ^bb0(%[[E0:.+]]: !sgl.ctx):
// CHECK-NEXT:      sgl.yield %[[E0]]
// CHECK-NEXT:    }
// CHECK-NEXT:    %[[C3:.+]] = sgl.text %[[C2]] "after if, before for"
// CHECK-NEXT:    %[[C4:.+]] = sgl.for %[[C3]], %[[ITEMS]] : !sgl.list<!sgl.str> {
// CHECK-NEXT:    ^bb0(%[[L0:.+]]: !sgl.ctx, %[[ITEM:.+]]: !sgl.str):
// CHECK-NEXT:      %[[L1:.+]] = sgl.text %[[L0]] "- "
// CHECK-NEXT:      %[[L2:.+]] = sgl.append %[[L1]], %[[ITEM]] : !sgl.str
// CHECK-NEXT:      %[[L3:.+]] = sgl.text %[[L2]] ";\0A"
// CHECK-NEXT:      sgl.yield %[[L3]]
// CHECK-NEXT:    }
// CHECK-NEXT:    %[[C5:.+]] = sgl.text %[[C4]] "after for"
// CHECK-NEXT:    %[[ZERO:.+]] = sgl.const 0 : i64 -> !sgl.int
// CHECK-NEXT:    %[[C6:.+]] = sgl.for_range %[[C5]], %[[ZERO]], %[[N]] {
// CHECK-NEXT:    ^bb0(%[[R0:.+]]: !sgl.ctx, %{{.+}}: !sgl.int):
// CHECK-NEXT:      %[[R1:.+]] = sgl.text %[[R0]] "ab"
// CHECK-NEXT:      sgl.break %[[R1]]
// CHECK-NEXT:    }
// CHECK-NEXT:    %[[C7:.+]] = sgl.text %[[C6]] "!"
// CHECK-NEXT:    sgl.yield %[[C7]]
// CHECK-NEXT:  }
sgl.program @text_in_control_flow args ["b", "items", "n"] attributes {arg_types = [!sgl.bool, !sgl.list<!sgl.str>, !sgl.int]} {
^bb0(%c0: !sgl.ctx):
  %b = sgl.arg "b" : !sgl.bool
  %items = sgl.arg "items" : !sgl.list<!sgl.str>
  %n = sgl.arg "n" : !sgl.int
  %c1 = sgl.text %c0 "before "
  %c2 = sgl.text %c1 "if"
  %c3 = sgl.if %b, %c2 {
  ^bb0(%t0: !sgl.ctx):
    %t1 = sgl.text %t0 "then "
    %t2 = sgl.text %t1 ""
    %t3 = sgl.text %t2 "arm"
    sgl.yield %t3
  } else {
  ^bb0(%e0: !sgl.ctx):
    %e1 = sgl.text %e0 ""
    sgl.yield %e1
  }
  %c4 = sgl.text %c3 "after if"
  %c5 = sgl.text %c4 ", before for"
  %c6 = sgl.for %c5, %items : !sgl.list<!sgl.str> {
  ^bb0(%c: !sgl.ctx, %item: !sgl.str):
    %d1 = sgl.text %c "- "
    %d2 = sgl.append %d1, %item : !sgl.str
    %d3 = sgl.text %d2 ";"
    %d4 = sgl.text %d3 "\n"
    sgl.yield %d4
  }
  %c7 = sgl.text %c6 "after for"
  %zero = sgl.const 0 -> !sgl.int
  %c8 = sgl.for_range %c7, %zero, %n {
  ^bb0(%c: !sgl.ctx, %i: !sgl.int):
    %r1 = sgl.text %c "a"
    %r2 = sgl.text %r1 "b"
    sgl.break %r2
  }
  %c9 = sgl.text %c8 "!"
  sgl.yield %c9
}

// -----

// Constants, operators and lists are pure and go when unused; sgl.read and
// sgl.collected read what the program has captured so far and stay.

// CHECK-LABEL: sgl.program @unused_values
// CHECK-NEXT:  ^bb0(%[[C0:.+]]: !sgl.ctx):
// CHECK-NEXT:    %[[C1:.+]] = sgl.role assistant %[[C0]] {
// CHECK-NEXT:    ^bb0(%[[M0:.+]]: !sgl.ctx):
// CHECK-NEXT:      %[[M1:.+]], %[[A:.+]] = sgl.gen %[[M0]] {max_tokens = 4 : i64} : !sgl.str
// CHECK-NEXT:      sgl.capture "a", %[[A]] : !sgl.str
// CHECK-NEXT:      sgl.yield %[[M1]]
// CHECK-NEXT:    }
// CHECK-NEXT:    %{{.+}} = sgl.read "a" : !sgl.str
// CHECK-NEXT:    %{{.+}} = sgl.collected "a" : !sgl.list<!sgl.str>
// CHECK-NEXT:    sgl.yield %[[C1]]
// CHECK-NEXT:  }
sgl.program @unused_values args ["n"] attributes {arg_types = [!sgl.int]} {
^bb0(%c0: !sgl.ctx):
  %n = sgl.arg "n" : !sgl.int
  %one = sgl.const 1 -> !sgl.int
  %sum = sgl.binary add %n, %one : !sgl.int, !sgl.int -> !sgl.int
  %l = sgl.list %n, %sum : !sgl.int, !sgl.int -> !sgl.list<!sgl.int>
  %len = sgl.len %l : !sgl.list<!sgl.int>
  %neg = sgl.neg %len : !sgl.int
  %t = sgl.const true -> !sgl.bool
  %nt = sgl.not %t
  %c1 = sgl.role assistant %c0 {
  ^bb0(%m0: !sgl.ctx):
    %m1, %a = sgl.gen %m0 {max_tokens = 4 : i64} : !sgl.str
    sgl.capture "a", %a : !sgl.str
    sgl.yield %m1
  }
  %r = sgl.read "a" : !sgl.str
  %k = sgl.collected "a" : !sgl.list<!sgl.str>
  sgl.yield %c1
}
