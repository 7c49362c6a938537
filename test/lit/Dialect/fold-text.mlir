// RUN: sgl-opt %s -split-input-file -sgl-fold-text | FileCheck %s
// RUN: sgl-opt %s -split-input-file -sgl-fold-text -mlir-print-debuginfo -mlir-print-local-scope | FileCheck %s --check-prefix=LOC

// Two pieces of constant text become one; the location fuses both pieces,
// first piece first, so the plan points at where the text starts.

// CHECK-LABEL: sgl.program @merge_two_texts
// CHECK-NEXT:  ^bb0(%[[C0:.+]]: !sgl.ctx):
// CHECK-NEXT:    %[[C1:.+]] = sgl.text %[[C0]] "Hello, world"
// CHECK-NEXT:    sgl.yield %[[C1]]
// LOC-LABEL:   sgl.program @merge_two_texts
// LOC:           sgl.text %{{.+}} "Hello, world" loc(fused["a.sgl":1:1, "a.sgl":1:9])
sgl.program @merge_two_texts args [] {
^bb0(%c0: !sgl.ctx):
  %c1 = sgl.text %c0 "Hello, " loc("a.sgl":1:1)
  %c2 = sgl.text %c1 "world" loc("a.sgl":1:9)
  sgl.yield %c2
}

// -----

// A chain folds completely; the fused location stays flat and ordered.

// CHECK-LABEL: sgl.program @merge_chain_of_three
// CHECK-NEXT:  ^bb0(%[[C0:.+]]: !sgl.ctx):
// CHECK-NEXT:    %[[C1:.+]] = sgl.text %[[C0]] "abc"
// CHECK-NEXT:    sgl.yield %[[C1]]
// LOC-LABEL:   sgl.program @merge_chain_of_three
// LOC:           sgl.text %{{.+}} "abc" loc(fused["a.sgl":1:1, "a.sgl":2:1, "a.sgl":3:1])
sgl.program @merge_chain_of_three args [] {
^bb0(%c0: !sgl.ctx):
  %c1 = sgl.text %c0 "a" loc("a.sgl":1:1)
  %c2 = sgl.text %c1 "b" loc("a.sgl":2:1)
  %c3 = sgl.text %c2 "c" loc("a.sgl":3:1)
  sgl.yield %c3
}

// -----

// Empty text adds nothing and disappears.

// CHECK-LABEL: sgl.program @drop_empty_text
// CHECK-NEXT:  ^bb0(%[[C0:.+]]: !sgl.ctx):
// CHECK-NEXT:    sgl.yield %[[C0]]
sgl.program @drop_empty_text args [] {
^bb0(%c0: !sgl.ctx):
  %c1 = sgl.text %c0 ""
  sgl.yield %c1
}

// -----

// Empty text between two pieces does not block the merge.

// CHECK-LABEL: sgl.program @empty_text_between_pieces
// CHECK-NEXT:  ^bb0(%[[C0:.+]]: !sgl.ctx):
// CHECK-NEXT:    %[[C1:.+]] = sgl.text %[[C0]] "ab"
// CHECK-NEXT:    sgl.yield %[[C1]]
sgl.program @empty_text_between_pieces args [] {
^bb0(%c0: !sgl.ctx):
  %c1 = sgl.text %c0 "a"
  %c2 = sgl.text %c1 ""
  %c3 = sgl.text %c2 "b"
  sgl.yield %c3
}

// -----

// When the prompt after the first piece is used elsewhere too, merging
// would lose that prompt: both ops stay.

// CHECK-LABEL: sgl.program @inner_text_with_other_use
// CHECK:         %[[C1:.+]] = sgl.text %{{.+}} "a"
// CHECK-NEXT:    %[[C2:.+]] = sgl.text %[[C1]] "b"
// CHECK-NEXT:    %{{.+}}, %{{.+}} = sgl.gen %[[C1]]
sgl.program @inner_text_with_other_use args [] {
^bb0(%c0: !sgl.ctx):
  %c1 = sgl.text %c0 "a"
  %c2 = sgl.text %c1 "b"
  %c3, %s = sgl.gen %c1
  sgl.capture "s", %s
  sgl.yield %c2
}

// -----

// A run-time value between two pieces keeps them apart.

// CHECK-LABEL: sgl.program @no_merge_across_append
// CHECK:         sgl.text %{{.+}} "Q: "
// CHECK-NEXT:    sgl.append
// CHECK-NEXT:    sgl.text %{{.+}} "\0AA: "
sgl.program @no_merge_across_append args ["q"] {
^bb0(%c0: !sgl.ctx):
  %q = sgl.arg "q"
  %c1 = sgl.text %c0 "Q: "
  %c2 = sgl.append %c1, %q
  %c3 = sgl.text %c2 "\nA: "
  sgl.yield %c3
}

// -----

// Text before a chat message and text inside it are different messages;
// text inside one message still merges.

// CHECK-LABEL: sgl.program @role_boundary
// CHECK:         %[[C1:.+]] = sgl.text %{{.+}} "preamble"
// CHECK-NEXT:    sgl.role user %[[C1]] {
// CHECK-NEXT:    ^bb0(%[[M0:.+]]: !sgl.ctx):
// CHECK-NEXT:      %[[M1:.+]] = sgl.text %[[M0]] "Hi there"
// CHECK-NEXT:      sgl.yield %[[M1]]
// CHECK-NEXT:    }
// CHECK-NEXT:    sgl.text %{{.+}} "after"
sgl.program @role_boundary args [] {
^bb0(%c0: !sgl.ctx):
  %c1 = sgl.text %c0 "preamble"
  %c2 = sgl.role user %c1 {
  ^bb0(%m0: !sgl.ctx):
    %m1 = sgl.text %m0 "Hi "
    %m2 = sgl.text %m1 "there"
    sgl.yield %m2
  }
  %c3 = sgl.text %c2 "after"
  sgl.yield %c3
}

// -----

// Text around a generation is not merged through it.

// CHECK-LABEL: sgl.program @no_merge_across_gen
// CHECK:         sgl.text %{{.+}} "x"
// CHECK-NEXT:    sgl.gen
// CHECK-NEXT:    sgl.capture
// CHECK-NEXT:    sgl.text %{{.+}} "y"
sgl.program @no_merge_across_gen args [] {
^bb0(%c0: !sgl.ctx):
  %c1 = sgl.text %c0 "x"
  %c2, %s = sgl.gen %c1 {max_tokens = 4 : i64}
  sgl.capture "s", %s
  %c3 = sgl.text %c2 "y"
  sgl.yield %c3
}

// -----

// A long run folds in one rewrite into one op. Its location keeps the first
// eight distinct piece locations only: the plan uses the first, and a run of
// thousands of pieces must not carry thousands of locations.

// CHECK-LABEL: sgl.program @long_run_keeps_eight_locations
// CHECK-NEXT:  ^bb0(%[[C0:.+]]: !sgl.ctx):
// CHECK-NEXT:    %[[C1:.+]] = sgl.text %[[C0]] "abcdefghij"
// CHECK-NEXT:    sgl.yield %[[C1]]
// LOC-LABEL:   sgl.program @long_run_keeps_eight_locations
// LOC:           sgl.text %{{.+}} "abcdefghij" loc(fused["a.sgl":1:1, "a.sgl":2:1, "a.sgl":3:1, "a.sgl":4:1, "a.sgl":5:1, "a.sgl":6:1, "a.sgl":7:1, "a.sgl":8:1])
sgl.program @long_run_keeps_eight_locations args [] {
^bb0(%c0: !sgl.ctx):
  %c1 = sgl.text %c0 "a" loc("a.sgl":1:1)
  %c2 = sgl.text %c1 "b" loc("a.sgl":2:1)
  %c3 = sgl.text %c2 "c" loc("a.sgl":3:1)
  %c4 = sgl.text %c3 "d" loc("a.sgl":4:1)
  %c5 = sgl.text %c4 "e" loc("a.sgl":5:1)
  %c6 = sgl.text %c5 "f" loc("a.sgl":6:1)
  %c7 = sgl.text %c6 "g" loc("a.sgl":7:1)
  %c8 = sgl.text %c7 "h" loc("a.sgl":8:1)
  %c9 = sgl.text %c8 "i" loc("a.sgl":9:1)
  %c10 = sgl.text %c9 "j" loc("a.sgl":10:1)
  sgl.yield %c10
}

// -----

// Pieces that share a location (one string literal split by the parser)
// keep it once.

// LOC-LABEL:   sgl.program @repeated_locations_kept_once
// LOC:           sgl.text %{{.+}} "abc" loc(fused["a.sgl":1:1, "a.sgl":2:1])
sgl.program @repeated_locations_kept_once args [] {
^bb0(%c0: !sgl.ctx):
  %c1 = sgl.text %c0 "a" loc("a.sgl":1:1)
  %c2 = sgl.text %c1 "b" loc("a.sgl":1:1)
  %c3 = sgl.text %c2 "c" loc("a.sgl":2:1)
  sgl.yield %c3
}

// -----

// A run ends where a prompt is used twice; the rest of the chain still
// merges on both sides of it.

// CHECK-LABEL: sgl.program @run_split_by_other_use
// CHECK:         %[[AB:.+]] = sgl.text %{{.+}} "ab"
// CHECK-NEXT:    %[[CD:.+]] = sgl.text %[[AB]] "cd"
// CHECK-NEXT:    %{{.+}}, %{{.+}} = sgl.gen %[[AB]]
sgl.program @run_split_by_other_use args [] {
^bb0(%c0: !sgl.ctx):
  %c1 = sgl.text %c0 "a"
  %c2 = sgl.text %c1 "b"
  %c3 = sgl.text %c2 "c"
  %c4 = sgl.text %c3 "d"
  %c5, %s = sgl.gen %c2
  sgl.capture "s", %s
  sgl.yield %c4
}
