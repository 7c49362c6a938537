// RUN: sgl-opt %s | sgl-opt | FileCheck %s
// RUN: sgl-opt %s --mlir-print-op-generic | sgl-opt | FileCheck %s

// Every op of the dialect, printed and parsed back.

// CHECK-LABEL: sgl.program @all_ops args ["q1", "q2"] {
// CHECK-NEXT:  ^bb0(%[[C0:.+]]: !sgl.ctx):
// CHECK-NEXT:    %[[Q1:.+]] = sgl.arg "q1" : !sgl.str
// CHECK-NEXT:    %[[Q2:.+]] = sgl.arg "q2" : !sgl.str
// CHECK-NEXT:    %[[C1:.+]] = sgl.role system %[[C0]] {
// CHECK-NEXT:    ^bb0(%[[M0:.+]]: !sgl.ctx):
// CHECK-NEXT:      %[[M1:.+]] = sgl.text %[[M0]] "You are helpful.\0A"
// CHECK-NEXT:      sgl.yield %[[M1]]
// CHECK-NEXT:    }
// CHECK-NEXT:    %[[C2:.+]] = sgl.role user %[[C1]] {
// CHECK-NEXT:    ^bb0(%[[U0:.+]]: !sgl.ctx):
// CHECK-NEXT:      %[[U1:.+]] = sgl.append %[[U0]], %[[Q1]] : !sgl.str
// CHECK-NEXT:      sgl.yield %[[U1]]
// CHECK-NEXT:    }
// CHECK-NEXT:    %[[C3:.+]] = sgl.role assistant %[[C2]] {
// CHECK-NEXT:    ^bb0(%[[X0:.+]]: !sgl.ctx):
// CHECK-NEXT:      %[[X1:.+]], %[[G:.+]] = sgl.gen %[[X0]] {max_tokens = 256 : i64, seed = 7 : i64, stop = ["\0A", "END"], temperature = 5.000000e-01 : f64, top_k = 40 : i64, top_p = 9.000000e-01 : f64} : !sgl.str
// CHECK-NEXT:      sgl.capture "a1", %[[G]] : !sgl.str
// CHECK-NEXT:      sgl.yield %[[X1]]
// CHECK-NEXT:    }
// CHECK-NEXT:    %[[A1:.+]] = sgl.read "a1" : !sgl.str
// CHECK-NEXT:    %[[C4:.+]] = sgl.append %[[C3]], %[[A1]] : !sgl.str
// CHECK-NEXT:    %[[C5:.+]] = sgl.append %[[C4]], %[[Q2]] : !sgl.str
// CHECK-NEXT:    %[[C6:.+]], %[[T:.+]] = sgl.select %[[C5]] ["calculator", "search engine"]
// CHECK-NEXT:    sgl.capture "tool", %[[T]] : !sgl.str
// CHECK-NEXT:    %[[C7:.+]], %[[D:.+]] = sgl.gen %[[C6]] : !sgl.str
// CHECK-NEXT:    sgl.capture "default_gen", %[[D]] : !sgl.str
// CHECK-NEXT:    sgl.yield %[[C7]]
// CHECK-NEXT:  }
sgl.program @all_ops args ["q1", "q2"] {
^bb0(%c0: !sgl.ctx):
  %q1 = sgl.arg "q1" : !sgl.str
  %q2 = sgl.arg "q2" : !sgl.str
  %c1 = sgl.role system %c0 {
  ^bb0(%m0: !sgl.ctx):
    %m1 = sgl.text %m0 "You are helpful.\n"
    sgl.yield %m1
  }
  %c2 = sgl.role user %c1 {
  ^bb0(%m0: !sgl.ctx):
    %m1 = sgl.append %m0, %q1 : !sgl.str
    sgl.yield %m1
  }
  %c3 = sgl.role assistant %c2 {
  ^bb0(%m0: !sgl.ctx):
    %m1, %g = sgl.gen %m0 {max_tokens = 256 : i64, stop = ["\n", "END"], temperature = 0.5 : f64, top_p = 0.9 : f64, top_k = 40 : i64, seed = 7 : i64} : !sgl.str
    sgl.capture "a1", %g : !sgl.str
    sgl.yield %m1
  }
  %a1 = sgl.read "a1" : !sgl.str
  %c4 = sgl.append %c3, %a1 : !sgl.str
  %c5 = sgl.append %c4, %q2 : !sgl.str
  %c6, %tool = sgl.select %c5 ["calculator", "search engine"]
  sgl.capture "tool", %tool : !sgl.str
  %c7, %d = sgl.gen %c6 : !sgl.str
  sgl.capture "default_gen", %d : !sgl.str
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

// A role returns only the context: two strings captured inside it are read
// after it with sgl.read.

// CHECK-LABEL: sgl.program @role_captures_read_after args [] {
// CHECK-NEXT:  ^bb0(%[[C0:.+]]: !sgl.ctx):
// CHECK-NEXT:    %[[C1:.+]] = sgl.role assistant %[[C0]] {
// CHECK-NEXT:    ^bb0(%[[M0:.+]]: !sgl.ctx):
// CHECK-NEXT:      %[[M1:.+]], %[[X:.+]] = sgl.gen %[[M0]] {max_tokens = 1 : i64} : !sgl.str
// CHECK-NEXT:      sgl.capture "x", %[[X]] : !sgl.str
// CHECK-NEXT:      %[[M2:.+]], %[[Y:.+]] = sgl.select %[[M1]] ["yes", "no"]
// CHECK-NEXT:      sgl.capture "y", %[[Y]] : !sgl.str
// CHECK-NEXT:      sgl.yield %[[M2]]
// CHECK-NEXT:    }
// CHECK-NEXT:    %[[RX:.+]] = sgl.read "x" : !sgl.str
// CHECK-NEXT:    %[[RY:.+]] = sgl.read "y" : !sgl.str
// CHECK-NEXT:    %[[C2:.+]] = sgl.append %[[C1]], %[[RX]] : !sgl.str
// CHECK-NEXT:    %[[C3:.+]] = sgl.append %[[C2]], %[[RY]] : !sgl.str
// CHECK-NEXT:    sgl.yield %[[C3]]
// CHECK-NEXT:  }
sgl.program @role_captures_read_after args [] {
^bb0(%c0: !sgl.ctx):
  %c1 = sgl.role assistant %c0 {
  ^bb0(%m0: !sgl.ctx):
    %m1, %x = sgl.gen %m0 {max_tokens = 1 : i64} : !sgl.str
    sgl.capture "x", %x : !sgl.str
    %m2, %y = sgl.select %m1 ["yes", "no"]
    sgl.capture "y", %y : !sgl.str
    sgl.yield %m2
  }
  %x = sgl.read "x" : !sgl.str
  %y = sgl.read "y" : !sgl.str
  %c2 = sgl.append %c1, %x : !sgl.str
  %c3 = sgl.append %c2, %y : !sgl.str
  sgl.yield %c3
}

// Typed arguments with defaults (`unit`: none); every argument type is
// read and appended.

// CHECK-LABEL: sgl.program @typed_arguments args ["q", "n", "t", "flag", "items"] attributes {arg_defaults = [unit, 3, 5.000000e-01, true, ["a", "b"]], arg_types = [!sgl.str, !sgl.int, !sgl.number, !sgl.bool, !sgl.list<!sgl.str>]} {
// CHECK-NEXT:  ^bb0(%[[C0:.+]]: !sgl.ctx):
// CHECK-NEXT:    %[[Q:.+]] = sgl.arg "q" : !sgl.str
// CHECK-NEXT:    %[[N:.+]] = sgl.arg "n" : !sgl.int
// CHECK-NEXT:    %[[T:.+]] = sgl.arg "t" : !sgl.number
// CHECK-NEXT:    %[[FLAG:.+]] = sgl.arg "flag" : !sgl.bool
// CHECK-NEXT:    %[[ITEMS:.+]] = sgl.arg "items" : !sgl.list<!sgl.str>
// CHECK-NEXT:    %[[C1:.+]] = sgl.append %[[C0]], %[[Q]] : !sgl.str
// CHECK-NEXT:    %[[C2:.+]] = sgl.append %[[C1]], %[[N]] : !sgl.int
// CHECK-NEXT:    %[[C3:.+]] = sgl.append %[[C2]], %[[T]] : !sgl.number
// CHECK-NEXT:    %[[C4:.+]] = sgl.append %[[C3]], %[[FLAG]] : !sgl.bool
// CHECK-NEXT:    %[[C5:.+]] = sgl.append %[[C4]], %[[ITEMS]] : !sgl.list<!sgl.str>
// CHECK-NEXT:    sgl.yield %[[C5]]
// CHECK-NEXT:  }
sgl.program @typed_arguments args ["q", "n", "t", "flag", "items"] attributes {arg_types = [!sgl.str, !sgl.int, !sgl.number, !sgl.bool, !sgl.list<!sgl.str>], arg_defaults = [unit, 3, 0.5, true, ["a", "b"]]} {
^bb0(%c0: !sgl.ctx):
  %q = sgl.arg "q" : !sgl.str
  %n = sgl.arg "n" : !sgl.int
  %t = sgl.arg "t" : !sgl.number
  %flag = sgl.arg "flag" : !sgl.bool
  %items = sgl.arg "items" : !sgl.list<!sgl.str>
  %c1 = sgl.append %c0, %q : !sgl.str
  %c2 = sgl.append %c1, %n : !sgl.int
  %c3 = sgl.append %c2, %t : !sgl.number
  %c4 = sgl.append %c3, %flag : !sgl.bool
  %c5 = sgl.append %c4, %items : !sgl.list<!sgl.str>
  sgl.yield %c5
}

// Defaults without arg_types: the arguments are strings.

// CHECK-LABEL: sgl.program @defaults_without_types args ["q"] attributes {arg_defaults = ["hi"]} {
// CHECK-NEXT:  ^bb0(%[[C0:.+]]: !sgl.ctx):
// CHECK-NEXT:    %[[Q:.+]] = sgl.arg "q" : !sgl.str
// CHECK-NEXT:    %[[C1:.+]] = sgl.append %[[C0]], %[[Q]] : !sgl.str
// CHECK-NEXT:    sgl.yield %[[C1]]
// CHECK-NEXT:  }
sgl.program @defaults_without_types args ["q"] attributes {arg_defaults = ["hi"]} {
^bb0(%c0: !sgl.ctx):
  %q = sgl.arg "q" : !sgl.str
  %c1 = sgl.append %c0, %q : !sgl.str
  sgl.yield %c1
}

// A constant of each constant type.

// CHECK-LABEL: sgl.program @constants args [] {
// CHECK-NEXT:  ^bb0(%[[C0:.+]]: !sgl.ctx):
// CHECK-NEXT:    %[[S:.+]] = sgl.const "calc\0A" -> !sgl.str
// CHECK-NEXT:    %[[E:.+]] = sgl.const "" -> !sgl.str
// CHECK-NEXT:    %[[I:.+]] = sgl.const 42 : i64 -> !sgl.int
// CHECK-NEXT:    %[[M:.+]] = sgl.const -7 : i64 -> !sgl.int
// CHECK-NEXT:    %[[F:.+]] = sgl.const 2.500000e+00 : f64 -> !sgl.number
// CHECK-NEXT:    %[[T:.+]] = sgl.const true -> !sgl.bool
// CHECK-NEXT:    %[[U:.+]] = sgl.const false -> !sgl.bool
// CHECK-NEXT:    %[[C1:.+]] = sgl.append %[[C0]], %[[S]] : !sgl.str
// CHECK-NEXT:    %[[C2:.+]] = sgl.append %[[C1]], %[[E]] : !sgl.str
// CHECK-NEXT:    %[[C3:.+]] = sgl.append %[[C2]], %[[I]] : !sgl.int
// CHECK-NEXT:    %[[C4:.+]] = sgl.append %[[C3]], %[[M]] : !sgl.int
// CHECK-NEXT:    %[[C5:.+]] = sgl.append %[[C4]], %[[F]] : !sgl.number
// CHECK-NEXT:    %[[C6:.+]] = sgl.append %[[C5]], %[[T]] : !sgl.bool
// CHECK-NEXT:    %[[C7:.+]] = sgl.append %[[C6]], %[[U]] : !sgl.bool
// CHECK-NEXT:    sgl.yield %[[C7]]
// CHECK-NEXT:  }
sgl.program @constants args [] {
^bb0(%c0: !sgl.ctx):
  %s = sgl.const "calc\n" -> !sgl.str
  %e = sgl.const "" -> !sgl.str
  %i = sgl.const 42 -> !sgl.int
  %m = sgl.const -7 -> !sgl.int
  %f = sgl.const 2.5 -> !sgl.number
  %t = sgl.const true -> !sgl.bool
  %u = sgl.const false -> !sgl.bool
  %c1 = sgl.append %c0, %s : !sgl.str
  %c2 = sgl.append %c1, %e : !sgl.str
  %c3 = sgl.append %c2, %i : !sgl.int
  %c4 = sgl.append %c3, %m : !sgl.int
  %c5 = sgl.append %c4, %f : !sgl.number
  %c6 = sgl.append %c5, %t : !sgl.bool
  %c7 = sgl.append %c6, %u : !sgl.bool
  sgl.yield %c7
}

// Every binary operator, not, neg, list (empty, flat, nested), index and len.

// CHECK-LABEL: sgl.program @operators args ["a", "b", "x", "s", "items"] attributes {arg_types = [!sgl.int, !sgl.int, !sgl.number, !sgl.str, !sgl.list<!sgl.str>]} {
// CHECK-NEXT:  ^bb0(%[[C0:.+]]: !sgl.ctx):
// CHECK-NEXT:    %[[A:.+]] = sgl.arg "a" : !sgl.int
// CHECK-NEXT:    %[[B:.+]] = sgl.arg "b" : !sgl.int
// CHECK-NEXT:    %[[X:.+]] = sgl.arg "x" : !sgl.number
// CHECK-NEXT:    %[[S:.+]] = sgl.arg "s" : !sgl.str
// CHECK-NEXT:    %[[ITEMS:.+]] = sgl.arg "items" : !sgl.list<!sgl.str>
// CHECK-NEXT:    %[[ADD:.+]] = sgl.binary add %[[A]], %[[B]] : !sgl.int, !sgl.int -> !sgl.int
// CHECK-NEXT:    %[[SUB:.+]] = sgl.binary sub %[[ADD]], %[[B]] : !sgl.int, !sgl.int -> !sgl.int
// CHECK-NEXT:    %[[MUL:.+]] = sgl.binary mul %[[SUB]], %[[B]] : !sgl.int, !sgl.int -> !sgl.int
// CHECK-NEXT:    %[[DIV:.+]] = sgl.binary div %[[MUL]], %[[B]] : !sgl.int, !sgl.int -> !sgl.int
// CHECK-NEXT:    %[[MOD:.+]] = sgl.binary mod %[[DIV]], %[[B]] : !sgl.int, !sgl.int -> !sgl.int
// CHECK-NEXT:    %[[FADD:.+]] = sgl.binary add %[[X]], %[[X]] : !sgl.number, !sgl.number -> !sgl.number
// CHECK-NEXT:    %[[CAT:.+]] = sgl.binary add %[[S]], %[[S]] : !sgl.str, !sgl.str -> !sgl.str
// CHECK-NEXT:    %[[EQ:.+]] = sgl.binary eq %[[A]], %[[B]] : !sgl.int, !sgl.int -> !sgl.bool
// CHECK-NEXT:    %[[NE:.+]] = sgl.binary ne %[[S]], %[[CAT]] : !sgl.str, !sgl.str -> !sgl.bool
// CHECK-NEXT:    %[[LT:.+]] = sgl.binary lt %[[A]], %[[B]] : !sgl.int, !sgl.int -> !sgl.bool
// CHECK-NEXT:    %[[LE:.+]] = sgl.binary le %[[X]], %[[FADD]] : !sgl.number, !sgl.number -> !sgl.bool
// CHECK-NEXT:    %[[GT:.+]] = sgl.binary gt %[[A]], %[[B]] : !sgl.int, !sgl.int -> !sgl.bool
// CHECK-NEXT:    %[[GE:.+]] = sgl.binary ge %[[A]], %[[B]] : !sgl.int, !sgl.int -> !sgl.bool
// CHECK-NEXT:    %[[IN:.+]] = sgl.binary in %[[S]], %[[ITEMS]] : !sgl.str, !sgl.list<!sgl.str> -> !sgl.bool
// CHECK-NEXT:    %[[AND:.+]] = sgl.binary and %[[EQ]], %[[NE]] : !sgl.bool, !sgl.bool -> !sgl.bool
// CHECK-NEXT:    %[[OR:.+]] = sgl.binary or %[[LT]], %[[LE]] : !sgl.bool, !sgl.bool -> !sgl.bool
// CHECK-NEXT:    %[[NOT:.+]] = sgl.not %[[IN]]
// CHECK-NEXT:    %[[NEG:.+]] = sgl.neg %[[MOD]] : !sgl.int
// CHECK-NEXT:    %[[FNEG:.+]] = sgl.neg %[[X]] : !sgl.number
// CHECK-NEXT:    %[[EMPTY:.+]] = sgl.list -> !sgl.list<!sgl.int>
// CHECK-NEXT:    %[[INTS:.+]] = sgl.list %[[A]], %[[B]], %[[NEG]] : !sgl.int, !sgl.int, !sgl.int -> !sgl.list<!sgl.int>
// CHECK-NEXT:    %[[NESTED:.+]] = sgl.list %[[INTS]], %[[EMPTY]] : !sgl.list<!sgl.int>, !sgl.list<!sgl.int> -> !sgl.list<!sgl.list<!sgl.int>>
// CHECK-NEXT:    %[[ITEM:.+]] = sgl.index %[[ITEMS]], %[[A]] : !sgl.list<!sgl.str>, !sgl.int -> !sgl.str
// CHECK-NEXT:    %[[ROW:.+]] = sgl.index %[[NESTED]], %[[B]] : !sgl.list<!sgl.list<!sgl.int>>, !sgl.int -> !sgl.list<!sgl.int>
// CHECK-NEXT:    %[[SLEN:.+]] = sgl.len %[[S]] : !sgl.str
// CHECK-NEXT:    %[[LLEN:.+]] = sgl.len %[[ROW]] : !sgl.list<!sgl.int>
// CHECK-NEXT:    %[[C1:.+]] = sgl.append %[[C0]], %[[CAT]] : !sgl.str
// CHECK-NEXT:    %[[C2:.+]] = sgl.append %[[C1]], %[[FADD]] : !sgl.number
// CHECK-NEXT:    %[[C3:.+]] = sgl.append %[[C2]], %[[GE]] : !sgl.bool
// CHECK-NEXT:    %[[C4:.+]] = sgl.append %[[C3]], %[[GT]] : !sgl.bool
// CHECK-NEXT:    %[[C5:.+]] = sgl.append %[[C4]], %[[AND]] : !sgl.bool
// CHECK-NEXT:    %[[C6:.+]] = sgl.append %[[C5]], %[[OR]] : !sgl.bool
// CHECK-NEXT:    %[[C7:.+]] = sgl.append %[[C6]], %[[NOT]] : !sgl.bool
// CHECK-NEXT:    %[[C8:.+]] = sgl.append %[[C7]], %[[FNEG]] : !sgl.number
// CHECK-NEXT:    %[[C9:.+]] = sgl.append %[[C8]], %[[ITEM]] : !sgl.str
// CHECK-NEXT:    %[[C10:.+]] = sgl.append %[[C9]], %[[SLEN]] : !sgl.int
// CHECK-NEXT:    %[[C11:.+]] = sgl.append %[[C10]], %[[LLEN]] : !sgl.int
// CHECK-NEXT:    sgl.yield %[[C11]]
// CHECK-NEXT:  }
sgl.program @operators args ["a", "b", "x", "s", "items"] attributes {arg_types = [!sgl.int, !sgl.int, !sgl.number, !sgl.str, !sgl.list<!sgl.str>]} {
^bb0(%c0: !sgl.ctx):
  %a = sgl.arg "a" : !sgl.int
  %b = sgl.arg "b" : !sgl.int
  %x = sgl.arg "x" : !sgl.number
  %s = sgl.arg "s" : !sgl.str
  %items = sgl.arg "items" : !sgl.list<!sgl.str>
  %add = sgl.binary add %a, %b : !sgl.int, !sgl.int -> !sgl.int
  %sub = sgl.binary sub %add, %b : !sgl.int, !sgl.int -> !sgl.int
  %mul = sgl.binary mul %sub, %b : !sgl.int, !sgl.int -> !sgl.int
  %div = sgl.binary div %mul, %b : !sgl.int, !sgl.int -> !sgl.int
  %mod = sgl.binary mod %div, %b : !sgl.int, !sgl.int -> !sgl.int
  %fadd = sgl.binary add %x, %x : !sgl.number, !sgl.number -> !sgl.number
  %cat = sgl.binary add %s, %s : !sgl.str, !sgl.str -> !sgl.str
  %eq = sgl.binary eq %a, %b : !sgl.int, !sgl.int -> !sgl.bool
  %ne = sgl.binary ne %s, %cat : !sgl.str, !sgl.str -> !sgl.bool
  %lt = sgl.binary lt %a, %b : !sgl.int, !sgl.int -> !sgl.bool
  %le = sgl.binary le %x, %fadd : !sgl.number, !sgl.number -> !sgl.bool
  %gt = sgl.binary gt %a, %b : !sgl.int, !sgl.int -> !sgl.bool
  %ge = sgl.binary ge %a, %b : !sgl.int, !sgl.int -> !sgl.bool
  %in = sgl.binary in %s, %items : !sgl.str, !sgl.list<!sgl.str> -> !sgl.bool
  %and = sgl.binary and %eq, %ne : !sgl.bool, !sgl.bool -> !sgl.bool
  %or = sgl.binary or %lt, %le : !sgl.bool, !sgl.bool -> !sgl.bool
  %not = sgl.not %in
  %neg = sgl.neg %mod : !sgl.int
  %fneg = sgl.neg %x : !sgl.number
  %empty = sgl.list -> !sgl.list<!sgl.int>
  %ints = sgl.list %a, %b, %neg : !sgl.int, !sgl.int, !sgl.int -> !sgl.list<!sgl.int>
  %nested = sgl.list %ints, %empty : !sgl.list<!sgl.int>, !sgl.list<!sgl.int> -> !sgl.list<!sgl.list<!sgl.int>>
  %item = sgl.index %items, %a : !sgl.list<!sgl.str>, !sgl.int -> !sgl.str
  %row = sgl.index %nested, %b : !sgl.list<!sgl.list<!sgl.int>>, !sgl.int -> !sgl.list<!sgl.int>
  %slen = sgl.len %s : !sgl.str
  %llen = sgl.len %row : !sgl.list<!sgl.int>
  %c1 = sgl.append %c0, %cat : !sgl.str
  %c2 = sgl.append %c1, %fadd : !sgl.number
  %c3 = sgl.append %c2, %ge : !sgl.bool
  %c4 = sgl.append %c3, %gt : !sgl.bool
  %c5 = sgl.append %c4, %and : !sgl.bool
  %c6 = sgl.append %c5, %or : !sgl.bool
  %c7 = sgl.append %c6, %not : !sgl.bool
  %c8 = sgl.append %c7, %fneg : !sgl.number
  %c9 = sgl.append %c8, %item : !sgl.str
  %c10 = sgl.append %c9, %slen : !sgl.int
  %c11 = sgl.append %c10, %llen : !sgl.int
  sgl.yield %c11
}

// A json_schema gen gives a !sgl.json; its fields, items and length, and a
// loop over its items.

// CHECK-LABEL: sgl.program @json_values args [] {
// CHECK-NEXT:  ^bb0(%[[C0:.+]]: !sgl.ctx):
// CHECK-NEXT:    %[[C1:.+]] = sgl.role assistant %[[C0]] {
// CHECK-NEXT:    ^bb0(%[[M0:.+]]: !sgl.ctx):
// CHECK-NEXT:      %[[M1:.+]], %[[J:.+]] = sgl.gen %[[M0]] {json_schema = "{\22type\22: \22object\22}", max_tokens = 64 : i64} : !sgl.json
// CHECK-NEXT:      sgl.capture "doc", %[[J]] : !sgl.json
// CHECK-NEXT:      sgl.yield %[[M1]]
// CHECK-NEXT:    }
// CHECK-NEXT:    %[[DOC:.+]] = sgl.read "doc" : !sgl.json
// CHECK-NEXT:    %[[TAGS:.+]] = sgl.field %[[DOC]] "tags" : !sgl.json
// CHECK-NEXT:    %[[KEY:.+]] = sgl.const "title" -> !sgl.str
// CHECK-NEXT:    %[[TITLE:.+]] = sgl.index %[[DOC]], %[[KEY]] : !sgl.json, !sgl.str -> !sgl.json
// CHECK-NEXT:    %[[ZERO:.+]] = sgl.const 0 : i64 -> !sgl.int
// CHECK-NEXT:    %[[FIRST:.+]] = sgl.index %[[TAGS]], %[[ZERO]] : !sgl.json, !sgl.int -> !sgl.json
// CHECK-NEXT:    %[[N:.+]] = sgl.len %[[TAGS]] : !sgl.json
// CHECK-NEXT:    %[[C2:.+]] = sgl.append %[[C1]], %[[TITLE]] : !sgl.json
// CHECK-NEXT:    %[[C3:.+]] = sgl.append %[[C2]], %[[FIRST]] : !sgl.json
// CHECK-NEXT:    %[[C4:.+]] = sgl.append %[[C3]], %[[N]] : !sgl.int
// CHECK-NEXT:    %[[C5:.+]] = sgl.for %[[C4]], %[[TAGS]] : !sgl.json {
// CHECK-NEXT:    ^bb0(%[[L0:.+]]: !sgl.ctx, %[[TAG:.+]]: !sgl.json):
// CHECK-NEXT:      %[[L1:.+]] = sgl.append %[[L0]], %[[TAG]] : !sgl.json
// CHECK-NEXT:      sgl.yield %[[L1]]
// CHECK-NEXT:    }
// CHECK-NEXT:    sgl.yield %[[C5]]
// CHECK-NEXT:  }
sgl.program @json_values args [] {
^bb0(%c0: !sgl.ctx):
  %c1 = sgl.role assistant %c0 {
  ^bb0(%m0: !sgl.ctx):
    %m1, %j = sgl.gen %m0 {json_schema = "{\"type\": \"object\"}", max_tokens = 64 : i64} : !sgl.json
    sgl.capture "doc", %j : !sgl.json
    sgl.yield %m1
  }
  %doc = sgl.read "doc" : !sgl.json
  %tags = sgl.field %doc "tags" : !sgl.json
  %key = sgl.const "title" -> !sgl.str
  %title = sgl.index %doc, %key : !sgl.json, !sgl.str -> !sgl.json
  %zero = sgl.const 0 -> !sgl.int
  %first = sgl.index %tags, %zero : !sgl.json, !sgl.int -> !sgl.json
  %n = sgl.len %tags : !sgl.json
  %c2 = sgl.append %c1, %title : !sgl.json
  %c3 = sgl.append %c2, %first : !sgl.json
  %c4 = sgl.append %c3, %n : !sgl.int
  %c5 = sgl.for %c4, %tags : !sgl.json {
  ^bb0(%c: !sgl.ctx, %tag: !sgl.json):
    %c6 = sgl.append %c, %tag : !sgl.json
    sgl.yield %c6
  }
  sgl.yield %c5
}

// sgl.if (nested in an arm too), a capture read after the if, sgl.for_range
// around sgl.for with a role inside and a break in an sgl.if, a capture
// collected after both loops, a break ending a loop body directly, and a
// loop with a break inside a role.

// CHECK-LABEL: sgl.program @control_flow args ["items", "n"] attributes {arg_types = [!sgl.list<!sgl.str>, !sgl.int]} {
// CHECK-NEXT:  ^bb0(%[[C0:.+]]: !sgl.ctx):
// CHECK-NEXT:    %[[ITEMS:.+]] = sgl.arg "items" : !sgl.list<!sgl.str>
// CHECK-NEXT:    %[[N:.+]] = sgl.arg "n" : !sgl.int
// CHECK-NEXT:    %[[C1:.+]], %[[TOOL:.+]] = sgl.select %[[C0]] ["calc", "search"]
// CHECK-NEXT:    sgl.capture "tool", %[[TOOL]] : !sgl.str
// CHECK-NEXT:    %[[CALC:.+]] = sgl.const "calc" -> !sgl.str
// CHECK-NEXT:    %[[ISCALC:.+]] = sgl.binary eq %[[TOOL]], %[[CALC]] : !sgl.str, !sgl.str -> !sgl.bool
// CHECK-NEXT:    %[[C2:.+]] = sgl.if %[[ISCALC]], %[[C1]] {
// CHECK-NEXT:    ^bb0(%[[T0:.+]]: !sgl.ctx):
// CHECK-NEXT:      %[[T1:.+]], %[[EXPR:.+]] = sgl.gen %[[T0]] {max_tokens = 16 : i64} : !sgl.str
// CHECK-NEXT:      sgl.capture "expr", %[[EXPR]] : !sgl.str
// CHECK-NEXT:      sgl.yield %[[T1]]
// CHECK-NEXT:    } else {
// CHECK-NEXT:    ^bb0(%[[E0:.+]]: !sgl.ctx):
// CHECK-NEXT:      %[[NEVER:.+]] = sgl.const false -> !sgl.bool
// CHECK-NEXT:      %[[E1:.+]] = sgl.if %[[NEVER]], %[[E0]] {
// CHECK-NEXT:      ^bb0(%[[IT0:.+]]: !sgl.ctx):
// CHECK-NEXT:        %[[IT1:.+]] = sgl.text %[[IT0]] "never"
// CHECK-NEXT:        sgl.yield %[[IT1]]
// CHECK-NEXT:      } else {
// CHECK-NEXT:      ^bb0(%[[IE0:.+]]: !sgl.ctx):
// CHECK-NEXT:        sgl.yield %[[IE0]]
// CHECK-NEXT:      }
// CHECK-NEXT:      sgl.yield %[[E1]]
// CHECK-NEXT:    }
// CHECK-NEXT:    %[[REXPR:.+]] = sgl.read "expr" : !sgl.str
// CHECK-NEXT:    %[[C3:.+]] = sgl.append %[[C2]], %[[REXPR]] : !sgl.str
// CHECK-NEXT:    %[[ZERO:.+]] = sgl.const 0 : i64 -> !sgl.int
// CHECK-NEXT:    %[[C4:.+]] = sgl.for_range %[[C3]], %[[ZERO]], %[[N]] {
// CHECK-NEXT:    ^bb0(%[[R0:.+]]: !sgl.ctx, %[[I:.+]]: !sgl.int):
// CHECK-NEXT:      %[[R1:.+]] = sgl.append %[[R0]], %[[I]] : !sgl.int
// CHECK-NEXT:      %[[R2:.+]] = sgl.for %[[R1]], %[[ITEMS]] : !sgl.list<!sgl.str> {
// CHECK-NEXT:      ^bb0(%[[D0:.+]]: !sgl.ctx, %[[ITEM:.+]]: !sgl.str):
// CHECK-NEXT:        %[[D1:.+]] = sgl.role user %[[D0]] {
// CHECK-NEXT:        ^bb0(%[[U0:.+]]: !sgl.ctx):
// CHECK-NEXT:          %[[U1:.+]] = sgl.append %[[U0]], %[[ITEM]] : !sgl.str
// CHECK-NEXT:          sgl.yield %[[U1]]
// CHECK-NEXT:        }
// CHECK-NEXT:        %[[D2:.+]], %[[THOUGHT:.+]] = sgl.gen %[[D1]] {max_tokens = 32 : i64} : !sgl.str
// CHECK-NEXT:        sgl.capture "thought", %[[THOUGHT]] : !sgl.str
// CHECK-NEXT:        %[[STOP:.+]] = sgl.const "stop" -> !sgl.str
// CHECK-NEXT:        %[[DONE:.+]] = sgl.binary eq %[[THOUGHT]], %[[STOP]] : !sgl.str, !sgl.str -> !sgl.bool
// CHECK-NEXT:        %[[D3:.+]] = sgl.if %[[DONE]], %[[D2]] {
// CHECK-NEXT:        ^bb0(%[[BT:.+]]: !sgl.ctx):
// CHECK-NEXT:          sgl.break %[[BT]]
// CHECK-NEXT:        } else {
// CHECK-NEXT:        ^bb0(%[[BE:.+]]: !sgl.ctx):
// CHECK-NEXT:          sgl.yield %[[BE]]
// CHECK-NEXT:        }
// CHECK-NEXT:        sgl.yield %[[D3]]
// CHECK-NEXT:      }
// CHECK-NEXT:      sgl.yield %[[R2]]
// CHECK-NEXT:    }
// CHECK-NEXT:    %[[THOUGHTS:.+]] = sgl.collected "thought" : !sgl.list<!sgl.list<!sgl.str>>
// CHECK-NEXT:    %[[C5:.+]] = sgl.append %[[C4]], %[[THOUGHTS]] : !sgl.list<!sgl.list<!sgl.str>>
// CHECK-NEXT:    %[[C6:.+]] = sgl.for %[[C5]], %[[ITEMS]] : !sgl.list<!sgl.str> {
// CHECK-NEXT:    ^bb0(%[[F0:.+]]: !sgl.ctx, %{{.+}}: !sgl.str):
// CHECK-NEXT:      sgl.break %[[F0]]
// CHECK-NEXT:    }
// CHECK-NEXT:    %[[C7:.+]] = sgl.role assistant %[[C6]] {
// CHECK-NEXT:    ^bb0(%[[A0:.+]]: !sgl.ctx):
// CHECK-NEXT:      %[[A1:.+]] = sgl.for_range %[[A0]], %[[ZERO]], %[[N]] {
// CHECK-NEXT:      ^bb0(%[[AL:.+]]: !sgl.ctx, %{{.+}}: !sgl.int):
// CHECK-NEXT:        sgl.break %[[AL]]
// CHECK-NEXT:      }
// CHECK-NEXT:      sgl.yield %[[A1]]
// CHECK-NEXT:    }
// CHECK-NEXT:    sgl.yield %[[C7]]
// CHECK-NEXT:  }
sgl.program @control_flow args ["items", "n"] attributes {arg_types = [!sgl.list<!sgl.str>, !sgl.int]} {
^bb0(%c0: !sgl.ctx):
  %items = sgl.arg "items" : !sgl.list<!sgl.str>
  %n = sgl.arg "n" : !sgl.int
  %c1, %tool = sgl.select %c0 ["calc", "search"]
  sgl.capture "tool", %tool : !sgl.str
  %calc = sgl.const "calc" -> !sgl.str
  %is_calc = sgl.binary eq %tool, %calc : !sgl.str, !sgl.str -> !sgl.bool
  %c2 = sgl.if %is_calc, %c1 {
  ^bb0(%t0: !sgl.ctx):
    %t1, %expr = sgl.gen %t0 {max_tokens = 16 : i64} : !sgl.str
    sgl.capture "expr", %expr : !sgl.str
    sgl.yield %t1
  } else {
  ^bb0(%e0: !sgl.ctx):
    %never = sgl.const false -> !sgl.bool
    %e1 = sgl.if %never, %e0 {
    ^bb0(%t: !sgl.ctx):
      %t1 = sgl.text %t "never"
      sgl.yield %t1
    } else {
    ^bb0(%e: !sgl.ctx):
      sgl.yield %e
    }
    sgl.yield %e1
  }
  %expr = sgl.read "expr" : !sgl.str
  %c3 = sgl.append %c2, %expr : !sgl.str
  %zero = sgl.const 0 -> !sgl.int
  %c4 = sgl.for_range %c3, %zero, %n {
  ^bb0(%c: !sgl.ctx, %i: !sgl.int):
    %d1 = sgl.append %c, %i : !sgl.int
    %d2 = sgl.for %d1, %items : !sgl.list<!sgl.str> {
    ^bb0(%d: !sgl.ctx, %item: !sgl.str):
      %d3 = sgl.role user %d {
      ^bb0(%m0: !sgl.ctx):
        %m1 = sgl.append %m0, %item : !sgl.str
        sgl.yield %m1
      }
      %d4, %thought = sgl.gen %d3 {max_tokens = 32 : i64} : !sgl.str
      sgl.capture "thought", %thought : !sgl.str
      %stop = sgl.const "stop" -> !sgl.str
      %done = sgl.binary eq %thought, %stop : !sgl.str, !sgl.str -> !sgl.bool
      %d5 = sgl.if %done, %d4 {
      ^bb0(%t: !sgl.ctx):
        sgl.break %t
      } else {
      ^bb0(%e: !sgl.ctx):
        sgl.yield %e
      }
      sgl.yield %d5
    }
    sgl.yield %d2
  }
  %thoughts = sgl.collected "thought" : !sgl.list<!sgl.list<!sgl.str>>
  %c5 = sgl.append %c4, %thoughts : !sgl.list<!sgl.list<!sgl.str>>
  %c6 = sgl.for %c5, %items : !sgl.list<!sgl.str> {
  ^bb0(%c: !sgl.ctx, %item: !sgl.str):
    sgl.break %c
  }
  %c7 = sgl.role assistant %c6 {
  ^bb0(%m0: !sgl.ctx):
    %m1 = sgl.for_range %m0, %zero, %n {
    ^bb0(%c: !sgl.ctx, %i: !sgl.int):
      sgl.break %c
    }
    sgl.yield %m1
  }
  sgl.yield %c7
}

// sgl.fork: a body per branch taking its context and index, the branches'
// objects as the result, a fork nested in a branch; select methods.

// CHECK-LABEL: sgl.program @forks args ["n"] attributes {arg_types = [!sgl.int]} {
// CHECK-NEXT:  ^bb0(%[[C0:.+]]: !sgl.ctx):
// CHECK-NEXT:    %[[N:.+]] = sgl.arg "n" : !sgl.int
// CHECK-NEXT:    %[[C1:.+]], %[[TIPS:.+]] = sgl.fork %[[C0]], %[[N]] {
// CHECK-NEXT:    ^bb0(%[[B0:.+]]: !sgl.ctx, %[[I:.+]]: !sgl.int):
// CHECK-NEXT:      %[[B1:.+]] = sgl.append %[[B0]], %[[I]] : !sgl.int
// CHECK-NEXT:      %[[B2:.+]], %[[PICK:.+]] = sgl.select %[[B1]] ["a", "bb"] method greedy
// CHECK-NEXT:      sgl.capture "pick", %[[PICK]] : !sgl.str
// CHECK-NEXT:      %[[B3:.+]], %[[INNER:.+]] = sgl.fork %[[B2]], %[[N]] {
// CHECK-NEXT:      ^bb0(%[[D0:.+]]: !sgl.ctx, %{{.+}}: !sgl.int):
// CHECK-NEXT:        %[[D1:.+]], %[[WHY:.+]] = sgl.select %[[D0]] ["x", "y"] method unconditional
// CHECK-NEXT:        sgl.capture "why", %[[WHY]] : !sgl.str
// CHECK-NEXT:        sgl.yield %[[D1]]
// CHECK-NEXT:      } : !sgl.list<!sgl.json>
// CHECK-NEXT:      sgl.capture "inner", %[[INNER]] : !sgl.list<!sgl.json>
// CHECK-NEXT:      sgl.yield %[[B3]]
// CHECK-NEXT:    } : !sgl.list<!sgl.json>
// CHECK-NEXT:    sgl.capture "tips", %[[TIPS]] : !sgl.list<!sgl.json>
// CHECK-NEXT:    %[[C2:.+]], %{{.+}} = sgl.select %[[C1]] ["p", "q"]{{$}}
// CHECK-NEXT:    sgl.yield %[[C2]]
// CHECK-NEXT:  }
sgl.program @forks args ["n"] attributes {arg_types = [!sgl.int]} {
^bb0(%c0: !sgl.ctx):
  %n = sgl.arg "n" : !sgl.int
  %c1, %tips = sgl.fork %c0, %n {
  ^bb0(%b0: !sgl.ctx, %i: !sgl.int):
    %b1 = sgl.append %b0, %i : !sgl.int
    %b2, %pick = sgl.select %b1 ["a", "bb"] method greedy
    sgl.capture "pick", %pick : !sgl.str
    %b3, %inner = sgl.fork %b2, %n {
    ^bb0(%d0: !sgl.ctx, %j: !sgl.int):
      %d1, %why = sgl.select %d0 ["x", "y"] method unconditional
      sgl.capture "why", %why : !sgl.str
      sgl.yield %d1
    } : !sgl.list<!sgl.json>
    sgl.capture "inner", %inner : !sgl.list<!sgl.json>
    sgl.yield %b3
  } : !sgl.list<!sgl.json>
  sgl.capture "tips", %tips : !sgl.list<!sgl.json>
  %c2, %p = sgl.select %c1 ["p", "q"] method normalized
  sgl.yield %c2
}

// sgl.call of a private program, with and without arguments.

// CHECK-LABEL: sgl.program @caller args ["q"] {
// CHECK-NEXT:  ^bb0(%[[C0:.+]]: !sgl.ctx):
// CHECK-NEXT:    %[[Q:.+]] = sgl.arg "q" : !sgl.str
// CHECK-NEXT:    %[[C1:.+]], %[[R:.+]] = sgl.call @callee(%[[C0]], %[[Q]] : !sgl.str)
// CHECK-NEXT:    sgl.capture "r", %[[R]] : !sgl.json
// CHECK-NEXT:    %[[C2:.+]], %{{.+}} = sgl.call @no_args(%[[C1]])
// CHECK-NEXT:    sgl.yield %[[C2]]
// CHECK-NEXT:  }
// CHECK-LABEL: sgl.program "private" @callee args ["text"] {
sgl.program @caller args ["q"] {
^bb0(%c0: !sgl.ctx):
  %q = sgl.arg "q" : !sgl.str
  %c1, %r = sgl.call @callee(%c0, %q : !sgl.str)
  sgl.capture "r", %r : !sgl.json
  %c2, %unused = sgl.call @no_args(%c1)
  sgl.yield %c2
}
sgl.program "private" @callee args ["text"] {
^bb0(%c0: !sgl.ctx):
  %t = sgl.arg "text" : !sgl.str
  %c1 = sgl.append %c0, %t : !sgl.str
  %c2, %g = sgl.gen %c1 {max_tokens = 4 : i64} : !sgl.str
  sgl.capture "g", %g : !sgl.str
  sgl.yield %c2
}
sgl.program "private" @no_args args [] {
^bb0(%c0: !sgl.ctx):
  sgl.yield %c0
}
