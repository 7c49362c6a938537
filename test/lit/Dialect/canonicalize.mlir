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
// CHECK:         %[[Q:.+]] = sgl.arg "used"
// CHECK-NEXT:    sgl.append %{{.+}}, %[[Q]]
sgl.program @unused_argument args ["unused", "used"] {
^bb0(%c0: !sgl.ctx):
  %u = sgl.arg "unused"
  %q = sgl.arg "used"
  %c1 = sgl.append %c0, %q
  sgl.yield %c1
}

// -----

// A generation is a sample, not a pure function of the prompt: one whose
// context and text are both unused is still kept, and so is its capture.

// CHECK-LABEL: sgl.program @generation_is_kept
// CHECK:         %{{.+}}, %[[S:.+]] = sgl.gen
// CHECK-NEXT:    %{{.+}}, %[[T:.+]] = sgl.gen
// CHECK-NEXT:    sgl.capture "t", %[[T]]
sgl.program @generation_is_kept args [] {
^bb0(%c0: !sgl.ctx):
  %c1, %s = sgl.gen %c0 {max_tokens = 8 : i64}
  %c2, %t = sgl.gen %c0 {max_tokens = 8 : i64}
  sgl.capture "t", %t
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
