// RUN: sgl-opt %s -split-input-file -verify-diagnostics

// The program's block takes exactly one context; arguments come from sgl.arg.
// expected-error @+1 {{'sgl.program' op body must take exactly one '!sgl.ctx' argument}}
sgl.program @two_contexts args [] {
^bb0(%a: !sgl.ctx, %b: !sgl.ctx):
  sgl.yield %a
}

// -----

// expected-error @+1 {{'sgl.program' op body must take exactly one '!sgl.ctx' argument}}
sgl.program @string_block_argument args ["q"] {
^bb0(%c: !sgl.ctx, %q: !sgl.str):
  sgl.yield %c
}

// -----

// expected-error @+1 {{'sgl.program' op duplicate argument name "q"}}
sgl.program @duplicate_argument args ["q", "q"] {
^bb0(%c0: !sgl.ctx):
  sgl.yield %c0
}

// -----

// expected-error @+1 {{'sgl.program' op argument names must not be empty}}
sgl.program @empty_argument_name args [""] {
^bb0(%c0: !sgl.ctx):
  sgl.yield %c0
}

// -----

// Capture names are the keys of the program's output object.
sgl.program @duplicate_capture args [] {
^bb0(%c0: !sgl.ctx):
  %c1, %a = sgl.gen %c0
  // expected-note @+1 {{previous capture here}}
  sgl.capture "x", %a
  %c2, %b = sgl.gen %c1
  // expected-error @+1 {{'sgl.capture' op duplicate capture name "x" in program @duplicate_capture}}
  sgl.capture "x", %b
  sgl.yield %c2
}

// -----

// A capture inside a role counts against the program's other captures.
sgl.program @duplicate_capture_in_role args [] {
^bb0(%c0: !sgl.ctx):
  %c1, %a = sgl.gen %c0
  // expected-note @+1 {{previous capture here}}
  sgl.capture "x", %a
  %c2 = sgl.role assistant %c1 {
  ^bb0(%m0: !sgl.ctx):
    %m1, %b = sgl.gen %m0
    // expected-error @+1 {{duplicate capture name "x"}}
    sgl.capture "x", %b
    sgl.yield %m1
  }
  sgl.yield %c2
}

// -----

sgl.program @unknown_argument args ["q"] {
^bb0(%c0: !sgl.ctx):
  // expected-error @+1 {{'sgl.arg' op "r" is not an argument of program @unknown_argument}}
  %r = sgl.arg "r"
  %c1 = sgl.append %c0, %r
  sgl.yield %c1
}

// -----

// expected-error @+1 {{'sgl.arg' op must be inside an 'sgl.program'}}
%q = sgl.arg "q"

// -----

// Chat messages do not nest.
sgl.program @nested_role args [] {
^bb0(%c0: !sgl.ctx):
  // expected-note @+1 {{enclosing role here}}
  %c1 = sgl.role user %c0 {
  ^bb0(%m0: !sgl.ctx):
    // expected-error @+1 {{'sgl.role' op cannot be nested inside another 'sgl.role'}}
    %m1 = sgl.role assistant %m0 {
    ^bb0(%n0: !sgl.ctx):
      sgl.yield %n0
    }
    sgl.yield %m1
  }
  sgl.yield %c1
}

// -----

sgl.program @role_without_context args [] {
^bb0(%c0: !sgl.ctx):
  // expected-error @+1 {{'sgl.role' op body must take exactly one '!sgl.ctx' argument}}
  %c1 = sgl.role user %c0 {
    sgl.yield %c0
  }
  sgl.yield %c1
}

// -----

sgl.program @role_yields_too_few args [] {
^bb0(%c0: !sgl.ctx):
  %c1, %a = sgl.role assistant %c0 -> !sgl.str {
  ^bb0(%m0: !sgl.ctx):
    %m1, %g = sgl.gen %m0
    // expected-error @+1 {{'sgl.yield' op yields 0 string(s) but the enclosing role returns 1}}
    sgl.yield %m1
  }
  sgl.capture "a", %a
  sgl.yield %c1
}

// -----

sgl.program @program_yields_a_string args ["q"] {
^bb0(%c0: !sgl.ctx):
  %q = sgl.arg "q"
  // expected-error @+1 {{'sgl.yield' op in a program yields only the context}}
  sgl.yield %c0, %q : !sgl.str
}

// -----

func.func @yield_outside(%c: !sgl.ctx) {
  // expected-error @+1 {{'sgl.yield' op expects parent op to be one of 'sgl.program, sgl.role'}}
  sgl.yield %c
}

// -----

sgl.program @zero_max_tokens args [] {
^bb0(%c0: !sgl.ctx):
  // expected-error @+1 {{'sgl.gen' op max_tokens must be in [1, 4294967295], got 0}}
  %c1, %s = sgl.gen %c0 {max_tokens = 0 : i64}
  sgl.yield %c1
}

// -----

sgl.program @huge_max_tokens args [] {
^bb0(%c0: !sgl.ctx):
  // expected-error @+1 {{'sgl.gen' op max_tokens must be in [1, 4294967295], got 4294967296}}
  %c1, %s = sgl.gen %c0 {max_tokens = 4294967296 : i64}
  sgl.yield %c1
}

// -----

sgl.program @negative_temperature args [] {
^bb0(%c0: !sgl.ctx):
  // expected-error @+1 {{'sgl.gen' op temperature must be >= 0, got -1.5}}
  %c1, %s = sgl.gen %c0 {temperature = -1.5 : f64}
  sgl.yield %c1
}

// -----

sgl.program @zero_top_p args [] {
^bb0(%c0: !sgl.ctx):
  // expected-error @+1 {{'sgl.gen' op top_p must be in (0, 1], got 0}}
  %c1, %s = sgl.gen %c0 {top_p = 0.0 : f64}
  sgl.yield %c1
}

// -----

sgl.program @top_p_above_one args [] {
^bb0(%c0: !sgl.ctx):
  // expected-error @+1 {{'sgl.gen' op top_p must be in (0, 1], got 1.5}}
  %c1, %s = sgl.gen %c0 {top_p = 1.5 : f64}
  sgl.yield %c1
}

// -----

sgl.program @negative_top_k args [] {
^bb0(%c0: !sgl.ctx):
  // expected-error @+1 {{'sgl.gen' op top_k must be in [0, 4294967295], got -1}}
  %c1, %s = sgl.gen %c0 {top_k = -1 : i64}
  sgl.yield %c1
}

// -----

sgl.program @negative_seed args [] {
^bb0(%c0: !sgl.ctx):
  // expected-error @+1 {{'sgl.gen' op seed must be >= 0, got -3}}
  %c1, %s = sgl.gen %c0 {seed = -3 : i64}
  sgl.yield %c1
}

// -----

sgl.program @no_choices args [] {
^bb0(%c0: !sgl.ctx):
  // expected-error @+1 {{'sgl.select' op needs at least one choice}}
  %c1, %s = sgl.select %c0 []
  sgl.yield %c1
}

// -----

sgl.program @duplicate_choice args [] {
^bb0(%c0: !sgl.ctx):
  // expected-error @+1 {{'sgl.select' op duplicate choice "a"}}
  %c1, %s = sgl.select %c0 ["a", "b", "a"]
  sgl.yield %c1
}

// -----

sgl.program @unknown_role args [] {
^bb0(%c0: !sgl.ctx):
  // expected-error @+1 {{expected string or keyword containing one of the following enum values for attribute 'role' [system, user, assistant]}}
  %c1 = sgl.role narrator %c0 {
  ^bb0(%m0: !sgl.ctx):
    sgl.yield %m0
  }
  sgl.yield %c1
}

// -----

// A gen takes at most one constraint.
sgl.program @two_constraints args [] {
^bb0(%c0: !sgl.ctx):
  // expected-error @+1 {{'sgl.gen' op has both a regex and a json_schema constraint; a gen takes at most one}}
  %c1, %s = sgl.gen %c0 {regex = "[0-9]+", json_schema = "{}"}
  sgl.yield %c1
}

// -----

// The constraint alone decides where a constrained gen ends.
sgl.program @constraint_and_stop args [] {
^bb0(%c0: !sgl.ctx):
  // expected-error @+1 {{'sgl.gen' op has a regex constraint and stop strings; the constraint alone decides where its output ends}}
  %c1, %s = sgl.gen %c0 {regex = "[0-9]+", stop = ["\n"]}
  sgl.yield %c1
}

// -----

sgl.program @schema_and_stop args [] {
^bb0(%c0: !sgl.ctx):
  // expected-error @+1 {{'sgl.gen' op has a json_schema constraint and stop strings; the constraint alone decides where its output ends}}
  %c1, %s = sgl.gen %c0 {json_schema = "{}", stop = ["\n"]}
  sgl.yield %c1
}

// -----

sgl.program @empty_schema args [] {
^bb0(%c0: !sgl.ctx):
  // expected-error @+1 {{'sgl.gen' op json_schema must not be empty}}
  %c1, %s = sgl.gen %c0 {json_schema = ""}
  sgl.yield %c1
}
