// RUN: sgl-opt %s | sgl-opt | FileCheck %s
// RUN: sgl-opt %s --mlir-print-op-generic | sgl-opt | FileCheck %s

// Every op of the dialect, printed and parsed back.

// CHECK-LABEL: sgl.program @all_ops args ["q1", "q2"] {
// CHECK-NEXT:  ^bb0(%[[C0:.+]]: !sgl.ctx):
// CHECK-NEXT:    %[[Q1:.+]] = sgl.arg "q1"
// CHECK-NEXT:    %[[Q2:.+]] = sgl.arg "q2"
// CHECK-NEXT:    %[[C1:.+]] = sgl.role system %[[C0]] {
// CHECK-NEXT:    ^bb0(%[[M0:.+]]: !sgl.ctx):
// CHECK-NEXT:      %[[M1:.+]] = sgl.text %[[M0]] "You are helpful.\0A"
// CHECK-NEXT:      sgl.yield %[[M1]]
// CHECK-NEXT:    }
// CHECK-NEXT:    %[[C2:.+]] = sgl.role user %[[C1]] {
// CHECK-NEXT:    ^bb0(%[[U0:.+]]: !sgl.ctx):
// CHECK-NEXT:      %[[U1:.+]] = sgl.append %[[U0]], %[[Q1]]
// CHECK-NEXT:      sgl.yield %[[U1]]
// CHECK-NEXT:    }
// CHECK-NEXT:    %[[C3:.+]], %[[A1:.+]] = sgl.role assistant %[[C2]] -> !sgl.str {
// CHECK-NEXT:    ^bb0(%[[X0:.+]]: !sgl.ctx):
// CHECK-NEXT:      %[[X1:.+]], %[[G:.+]] = sgl.gen %[[X0]] {max_tokens = 256 : i64, seed = 7 : i64, stop = ["\0A", "END"], temperature = 5.000000e-01 : f64, top_k = 40 : i64, top_p = 9.000000e-01 : f64}
// CHECK-NEXT:      sgl.capture "a1", %[[G]]
// CHECK-NEXT:      sgl.yield %[[X1]], %[[G]] : !sgl.str
// CHECK-NEXT:    }
// CHECK-NEXT:    %[[C4:.+]] = sgl.append %[[C3]], %[[A1]]
// CHECK-NEXT:    %[[C5:.+]] = sgl.append %[[C4]], %[[Q2]]
// CHECK-NEXT:    %[[C6:.+]], %[[T:.+]] = sgl.select %[[C5]] ["calculator", "search engine"]
// CHECK-NEXT:    sgl.capture "tool", %[[T]]
// CHECK-NEXT:    %[[C7:.+]], %[[D:.+]] = sgl.gen %[[C6]]
// CHECK-NEXT:    sgl.capture "default_gen", %[[D]]
// CHECK-NEXT:    sgl.yield %[[C7]]
// CHECK-NEXT:  }
sgl.program @all_ops args ["q1", "q2"] {
^bb0(%c0: !sgl.ctx):
  %q1 = sgl.arg "q1"
  %q2 = sgl.arg "q2"
  %c1 = sgl.role system %c0 {
  ^bb0(%m0: !sgl.ctx):
    %m1 = sgl.text %m0 "You are helpful.\n"
    sgl.yield %m1
  }
  %c2 = sgl.role user %c1 {
  ^bb0(%m0: !sgl.ctx):
    %m1 = sgl.append %m0, %q1
    sgl.yield %m1
  }
  %c3, %a1 = sgl.role assistant %c2 -> !sgl.str {
  ^bb0(%m0: !sgl.ctx):
    %m1, %g = sgl.gen %m0 {max_tokens = 256 : i64, stop = ["\n", "END"], temperature = 0.5 : f64, top_p = 0.9 : f64, top_k = 40 : i64, seed = 7 : i64}
    sgl.capture "a1", %g
    sgl.yield %m1, %g : !sgl.str
  }
  %c4 = sgl.append %c3, %a1
  %c5 = sgl.append %c4, %q2
  %c6, %tool = sgl.select %c5 ["calculator", "search engine"]
  sgl.capture "tool", %tool
  %c7, %d = sgl.gen %c6
  sgl.capture "default_gen", %d
  sgl.yield %c7
}

// A program without arguments or captures, next to another one.

// CHECK-LABEL: sgl.program @empty args [] {
// CHECK-NEXT:  ^bb0(%[[E0:.+]]: !sgl.ctx):
// CHECK-NEXT:    sgl.yield %[[E0]]
// CHECK-NEXT:  }
sgl.program @empty args [] {
^bb0(%c0: !sgl.ctx):
  sgl.yield %c0
}

// A role that returns two strings generated inside it.

// CHECK-LABEL: sgl.program @role_two_values
// CHECK:         %{{.+}}, %{{.+}}:2 = sgl.role assistant %{{.+}} -> !sgl.str, !sgl.str {
// CHECK:           sgl.yield %{{.+}}, %{{.+}}, %{{.+}} : !sgl.str, !sgl.str
sgl.program @role_two_values args [] {
^bb0(%c0: !sgl.ctx):
  %c1, %a, %b = sgl.role assistant %c0 -> !sgl.str, !sgl.str {
  ^bb0(%m0: !sgl.ctx):
    %m1, %x = sgl.gen %m0 {max_tokens = 1 : i64}
    %m2, %y = sgl.select %m1 ["yes", "no"]
    sgl.yield %m2, %x, %y : !sgl.str, !sgl.str
  }
  sgl.capture "x", %a
  sgl.capture "y", %b
  sgl.yield %c1
}
