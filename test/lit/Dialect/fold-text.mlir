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
  %c3, %s = sgl.gen %c1 : !sgl.str
  sgl.capture "s", %s : !sgl.str
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
  %q = sgl.arg "q" : !sgl.str
  %c1 = sgl.text %c0 "Q: "
  %c2 = sgl.append %c1, %q : !sgl.str
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
  %c2, %s = sgl.gen %c1 {max_tokens = 4 : i64} : !sgl.str
  sgl.capture "s", %s : !sgl.str
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
  %c5, %s = sgl.gen %c2 : !sgl.str
  sgl.capture "s", %s : !sgl.str
  sgl.yield %c4
}

// -----

// Inside sgl.if, sgl.for and sgl.for_range, text folds within each block
// (before a yield or a break alike) with its fused location, but never
// across a region boundary: the text around an op with regions and the text
// at the start or end of each of its blocks stay apart.

// CHECK-LABEL: sgl.program @control_flow_boundaries
// CHECK-NEXT:  ^bb0(%[[C0:.+]]: !sgl.ctx):
// CHECK-NEXT:    %[[B:.+]] = sgl.arg "b" : !sgl.bool
// CHECK-NEXT:    %[[ITEMS:.+]] = sgl.arg "items" : !sgl.list<!sgl.str>
// CHECK-NEXT:    %[[N:.+]] = sgl.arg "n" : !sgl.int
// CHECK-NEXT:    %[[C1:.+]] = sgl.text %[[C0]] "ab"
// CHECK-NEXT:    %[[C2:.+]] = sgl.if %[[B]], %[[C1]] {
// CHECK-NEXT:    ^bb0(%[[T0:.+]]: !sgl.ctx):
// CHECK-NEXT:      %[[T1:.+]] = sgl.text %[[T0]] "cd"
// CHECK-NEXT:      sgl.yield %[[T1]]
// CHECK-NEXT:    } else {
// CHECK-NEXT:    ^bb0(%[[E0:.+]]: !sgl.ctx):
// CHECK-NEXT:      %[[E1:.+]] = sgl.text %[[E0]] "ef"
// CHECK-NEXT:      sgl.yield %[[E1]]
// CHECK-NEXT:    }
// CHECK-NEXT:    %[[C3:.+]] = sgl.text %[[C2]] "gh"
// CHECK-NEXT:    %[[C4:.+]] = sgl.for %[[C3]], %[[ITEMS]] : !sgl.list<!sgl.str> {
// CHECK-NEXT:    ^bb0(%[[L0:.+]]: !sgl.ctx, %[[ITEM:.+]]: !sgl.str):
// CHECK-NEXT:      %[[L1:.+]] = sgl.text %[[L0]] "ij"
// CHECK-NEXT:      %[[L2:.+]] = sgl.append %[[L1]], %[[ITEM]] : !sgl.str
// CHECK-NEXT:      %[[L3:.+]] = sgl.if %[[B]], %[[L2]] {
// CHECK-NEXT:      ^bb0(%[[LT0:.+]]: !sgl.ctx):
// CHECK-NEXT:        %[[LT1:.+]] = sgl.text %[[LT0]] "kl"
// CHECK-NEXT:        sgl.break %[[LT1]]
// CHECK-NEXT:      } else {
// CHECK-NEXT:      ^bb0(%[[LE0:.+]]: !sgl.ctx):
// CHECK-NEXT:        sgl.yield %[[LE0]]
// CHECK-NEXT:      }
// CHECK-NEXT:      %[[L4:.+]] = sgl.text %[[L3]] "mn"
// CHECK-NEXT:      sgl.yield %[[L4]]
// CHECK-NEXT:    }
// CHECK-NEXT:    %[[ZERO:.+]] = sgl.const 0 : i64 -> !sgl.int
// CHECK-NEXT:    %[[C5:.+]] = sgl.for_range %[[C4]], %[[ZERO]], %[[N]] {
// CHECK-NEXT:    ^bb0(%[[R0:.+]]: !sgl.ctx, %{{.+}}: !sgl.int):
// CHECK-NEXT:      %[[R1:.+]] = sgl.text %[[R0]] "op"
// CHECK-NEXT:      sgl.yield %[[R1]]
// CHECK-NEXT:    }
// CHECK-NEXT:    %[[C6:.+]] = sgl.text %[[C5]] "qr"
// CHECK-NEXT:    sgl.yield %[[C6]]
// CHECK-NEXT:  }
// LOC-LABEL:   sgl.program @control_flow_boundaries
// LOC:           sgl.text %{{.+}} "ab" loc(fused["c.sgl":1:1, "c.sgl":1:2])
// LOC:           sgl.text %{{.+}} "cd" loc(fused["c.sgl":2:1, "c.sgl":2:2])
// LOC:           sgl.text %{{.+}} "ef" loc(fused["c.sgl":3:1, "c.sgl":3:2])
// LOC:           sgl.text %{{.+}} "gh" loc(fused["c.sgl":4:1, "c.sgl":4:2])
// LOC:           sgl.text %{{.+}} "ij" loc(fused["c.sgl":5:1, "c.sgl":5:2])
// LOC:           sgl.text %{{.+}} "kl" loc(fused["c.sgl":6:1, "c.sgl":6:2])
// LOC:           sgl.text %{{.+}} "mn" loc(fused["c.sgl":7:1, "c.sgl":7:2])
// LOC:           sgl.text %{{.+}} "op" loc(fused["c.sgl":8:1, "c.sgl":8:2])
// LOC:           sgl.text %{{.+}} "qr" loc(fused["c.sgl":9:1, "c.sgl":9:2])
sgl.program @control_flow_boundaries args ["b", "items", "n"] attributes {arg_types = [!sgl.bool, !sgl.list<!sgl.str>, !sgl.int]} {
^bb0(%c0: !sgl.ctx):
  %b = sgl.arg "b" : !sgl.bool
  %items = sgl.arg "items" : !sgl.list<!sgl.str>
  %n = sgl.arg "n" : !sgl.int
  %c1 = sgl.text %c0 "a" loc("c.sgl":1:1)
  %c2 = sgl.text %c1 "b" loc("c.sgl":1:2)
  %c3 = sgl.if %b, %c2 {
  ^bb0(%t0: !sgl.ctx):
    %t1 = sgl.text %t0 "c" loc("c.sgl":2:1)
    %t2 = sgl.text %t1 "d" loc("c.sgl":2:2)
    sgl.yield %t2
  } else {
  ^bb0(%e0: !sgl.ctx):
    %e1 = sgl.text %e0 "e" loc("c.sgl":3:1)
    %e2 = sgl.text %e1 "f" loc("c.sgl":3:2)
    sgl.yield %e2
  }
  %c4 = sgl.text %c3 "g" loc("c.sgl":4:1)
  %c5 = sgl.text %c4 "h" loc("c.sgl":4:2)
  %c6 = sgl.for %c5, %items : !sgl.list<!sgl.str> {
  ^bb0(%l0: !sgl.ctx, %item: !sgl.str):
    %l1 = sgl.text %l0 "i" loc("c.sgl":5:1)
    %l2 = sgl.text %l1 "j" loc("c.sgl":5:2)
    %l3 = sgl.append %l2, %item : !sgl.str
    %l4 = sgl.if %b, %l3 {
    ^bb0(%lt0: !sgl.ctx):
      %lt1 = sgl.text %lt0 "k" loc("c.sgl":6:1)
      %lt2 = sgl.text %lt1 "l" loc("c.sgl":6:2)
      sgl.break %lt2
    } else {
    ^bb0(%le0: !sgl.ctx):
      sgl.yield %le0
    }
    %l5 = sgl.text %l4 "m" loc("c.sgl":7:1)
    %l6 = sgl.text %l5 "n" loc("c.sgl":7:2)
    sgl.yield %l6
  }
  %zero = sgl.const 0 -> !sgl.int
  %c7 = sgl.for_range %c6, %zero, %n {
  ^bb0(%r0: !sgl.ctx, %i: !sgl.int):
    %r1 = sgl.text %r0 "o" loc("c.sgl":8:1)
    %r2 = sgl.text %r1 "p" loc("c.sgl":8:2)
    sgl.yield %r2
  }
  %c8 = sgl.text %c7 "q" loc("c.sgl":9:1)
  %c9 = sgl.text %c8 "r" loc("c.sgl":9:2)
  sgl.yield %c9
}
