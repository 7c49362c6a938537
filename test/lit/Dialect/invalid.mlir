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
  %c1, %a = sgl.gen %c0 : !sgl.str
  // expected-note @+1 {{previous capture here}}
  sgl.capture "x", %a : !sgl.str
  %c2, %b = sgl.gen %c1 : !sgl.str
  // expected-error @+1 {{'sgl.capture' op duplicate capture name "x" in program @duplicate_capture}}
  sgl.capture "x", %b : !sgl.str
  sgl.yield %c2
}

// -----

// A capture inside a role counts against the program's other captures.
sgl.program @duplicate_capture_in_role args [] {
^bb0(%c0: !sgl.ctx):
  %c1, %a = sgl.gen %c0 : !sgl.str
  // expected-note @+1 {{previous capture here}}
  sgl.capture "x", %a : !sgl.str
  %c2 = sgl.role assistant %c1 {
  ^bb0(%m0: !sgl.ctx):
    %m1, %b = sgl.gen %m0 : !sgl.str
    // expected-error @+1 {{duplicate capture name "x"}}
    sgl.capture "x", %b : !sgl.str
    sgl.yield %m1
  }
  sgl.yield %c2
}

// -----

sgl.program @unknown_argument args ["q"] {
^bb0(%c0: !sgl.ctx):
  // expected-error @+1 {{'sgl.arg' op "r" is not an argument of program @unknown_argument}}
  %r = sgl.arg "r" : !sgl.str
  %c1 = sgl.append %c0, %r : !sgl.str
  sgl.yield %c1
}

// -----

// expected-error @+1 {{'sgl.arg' op must be inside an 'sgl.program'}}
%q = sgl.arg "q" : !sgl.str

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

// A role returns only the context: a value made inside it leaves through a
// capture and a later sgl.read, not through the role's results or its yield.
sgl.program @role_returns_a_string args [] {
^bb0(%c0: !sgl.ctx):
  // expected-error @+1 {{'sgl.role' op requires one result}}
  %c1, %a = "sgl.role"(%c0) <{role = 2 : i32}> ({
  ^bb0(%m0: !sgl.ctx):
    %m1, %g = sgl.gen %m0 : !sgl.str
    sgl.yield %m1
  }) : (!sgl.ctx) -> (!sgl.ctx, !sgl.str)
  sgl.yield %c1
}

// -----

sgl.program @role_yields_a_string args [] {
^bb0(%c0: !sgl.ctx):
  %c1 = sgl.role assistant %c0 {
  ^bb0(%m0: !sgl.ctx):
    %m1, %g = sgl.gen %m0 : !sgl.str
    // expected-error @+1 {{'sgl.yield' op requires a single operand}}
    "sgl.yield"(%m1, %g) : (!sgl.ctx, !sgl.str) -> ()
  }
  sgl.yield %c1
}

// -----

// A program's yield carries only the final context.
sgl.program @program_yields_a_string args ["q"] {
^bb0(%c0: !sgl.ctx):
  %q = sgl.arg "q" : !sgl.str
  // expected-error @+1 {{'sgl.yield' op requires a single operand}}
  "sgl.yield"(%c0, %q) : (!sgl.ctx, !sgl.str) -> ()
}

// -----

func.func @yield_outside(%c: !sgl.ctx) {
  // expected-error @+1 {{'sgl.yield' op expects parent op to be one of 'sgl.program, sgl.role, sgl.if, sgl.for, sgl.for_range, sgl.fork'}}
  sgl.yield %c
}

// -----

sgl.program @zero_max_tokens args [] {
^bb0(%c0: !sgl.ctx):
  // expected-error @+1 {{'sgl.gen' op max_tokens must be in [1, 4294967295], got 0}}
  %c1, %s = sgl.gen %c0 {max_tokens = 0 : i64} : !sgl.str
  sgl.yield %c1
}

// -----

sgl.program @huge_max_tokens args [] {
^bb0(%c0: !sgl.ctx):
  // expected-error @+1 {{'sgl.gen' op max_tokens must be in [1, 4294967295], got 4294967296}}
  %c1, %s = sgl.gen %c0 {max_tokens = 4294967296 : i64} : !sgl.str
  sgl.yield %c1
}

// -----

sgl.program @negative_temperature args [] {
^bb0(%c0: !sgl.ctx):
  // expected-error @+1 {{'sgl.gen' op temperature must be >= 0, got -1.5}}
  %c1, %s = sgl.gen %c0 {temperature = -1.5 : f64} : !sgl.str
  sgl.yield %c1
}

// -----

sgl.program @zero_top_p args [] {
^bb0(%c0: !sgl.ctx):
  // expected-error @+1 {{'sgl.gen' op top_p must be in (0, 1], got 0}}
  %c1, %s = sgl.gen %c0 {top_p = 0.0 : f64} : !sgl.str
  sgl.yield %c1
}

// -----

sgl.program @top_p_above_one args [] {
^bb0(%c0: !sgl.ctx):
  // expected-error @+1 {{'sgl.gen' op top_p must be in (0, 1], got 1.5}}
  %c1, %s = sgl.gen %c0 {top_p = 1.5 : f64} : !sgl.str
  sgl.yield %c1
}

// -----

sgl.program @negative_top_k args [] {
^bb0(%c0: !sgl.ctx):
  // expected-error @+1 {{'sgl.gen' op top_k must be in [0, 4294967295], got -1}}
  %c1, %s = sgl.gen %c0 {top_k = -1 : i64} : !sgl.str
  sgl.yield %c1
}

// -----

sgl.program @negative_seed args [] {
^bb0(%c0: !sgl.ctx):
  // expected-error @+1 {{'sgl.gen' op seed must be >= 0, got -3}}
  %c1, %s = sgl.gen %c0 {seed = -3 : i64} : !sgl.str
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
  %c1, %s = sgl.gen %c0 {regex = "[0-9]+", json_schema = "{}"} : !sgl.json
  sgl.yield %c1
}

// -----

// The constraint alone decides where a constrained gen ends.
sgl.program @constraint_and_stop args [] {
^bb0(%c0: !sgl.ctx):
  // expected-error @+1 {{'sgl.gen' op has a regex constraint and stop strings; the constraint alone decides where its output ends}}
  %c1, %s = sgl.gen %c0 {regex = "[0-9]+", stop = ["\n"]} : !sgl.str
  sgl.yield %c1
}

// -----

sgl.program @schema_and_stop args [] {
^bb0(%c0: !sgl.ctx):
  // expected-error @+1 {{'sgl.gen' op has a json_schema constraint and stop strings; the constraint alone decides where its output ends}}
  %c1, %s = sgl.gen %c0 {json_schema = "{}", stop = ["\n"]} : !sgl.json
  sgl.yield %c1
}

// -----

sgl.program @empty_schema args [] {
^bb0(%c0: !sgl.ctx):
  // expected-error @+1 {{'sgl.gen' op json_schema must not be empty}}
  %c1, %s = sgl.gen %c0 {json_schema = ""} : !sgl.json
  sgl.yield %c1
}

// -----

// Only a json_schema gen gives other than a '!sgl.str' (a typed gen: the
// value type of its schema).
sgl.program @json_without_schema args [] {
^bb0(%c0: !sgl.ctx):
  // expected-error @+1 {{'sgl.gen' op gives a '!sgl.str' unless it has a json_schema constraint, not '!sgl.json'}}
  %c1, %j = sgl.gen %c0 {max_tokens = 8 : i64} : !sgl.json
  sgl.yield %c1
}


// -----

// arg_types and arg_defaults have one entry per argument name.
// expected-error @+1 {{'sgl.program' op has 2 argument names but 1 argument types}}
sgl.program @too_few_arg_types args ["a", "b"] attributes {arg_types = [!sgl.str]} {
^bb0(%c0: !sgl.ctx):
  sgl.yield %c0
}

// -----

// expected-error @+1 {{'sgl.program' op has 1 argument names but 2 argument types}}
sgl.program @too_many_arg_types args ["a"] attributes {arg_types = [!sgl.str, !sgl.int]} {
^bb0(%c0: !sgl.ctx):
  sgl.yield %c0
}

// -----

// expected-error @+1 {{'sgl.program' op has 2 argument names but 3 argument defaults}}
sgl.program @too_many_arg_defaults args ["a", "b"] attributes {arg_defaults = [unit, unit, unit]} {
^bb0(%c0: !sgl.ctx):
  sgl.yield %c0
}

// -----

// expected-error @+1 {{'sgl.program' op has 2 argument names but 1 argument defaults}}
sgl.program @too_few_arg_defaults args ["a", "b"] attributes {arg_types = [!sgl.str, !sgl.int], arg_defaults = [unit]} {
^bb0(%c0: !sgl.ctx):
  sgl.yield %c0
}

// -----

// sgl.arg reads an argument as its declared type.
sgl.program @arg_read_as_wrong_type args ["n"] attributes {arg_types = [!sgl.int]} {
^bb0(%c0: !sgl.ctx):
  // expected-error @+1 {{'sgl.arg' op reads argument "n" as '!sgl.str', but it is '!sgl.int'}}
  %n = sgl.arg "n" : !sgl.str
  %c1 = sgl.append %c0, %n : !sgl.str
  sgl.yield %c1
}

// -----

// Without arg_types every argument is a string.
sgl.program @untyped_arg_read_as_list args ["q"] {
^bb0(%c0: !sgl.ctx):
  // expected-error @+1 {{'sgl.arg' op reads argument "q" as '!sgl.list<!sgl.str>', but it is '!sgl.str'}}
  %q = sgl.arg "q" : !sgl.list<!sgl.str>
  %c1 = sgl.append %c0, %q : !sgl.list<!sgl.str>
  sgl.yield %c1
}

// -----

// A constant's attribute matches its type.
sgl.program @const_string_as_int args [] {
^bb0(%c0: !sgl.ctx):
  // expected-error @+1 {{'sgl.const' op value "3" is not a constant of type '!sgl.int'}}
  %x = sgl.const "3" -> !sgl.int
  sgl.yield %c0
}

// -----

// A bool attribute is an integer attribute, but not an int constant.
sgl.program @const_bool_as_int args [] {
^bb0(%c0: !sgl.ctx):
  // expected-error @+1 {{'sgl.const' op value true is not a constant of type '!sgl.int'}}
  %x = sgl.const true -> !sgl.int
  sgl.yield %c0
}

// -----

sgl.program @const_float_as_int args [] {
^bb0(%c0: !sgl.ctx):
  // expected-error @+1 {{'sgl.const' op value 2.500000e+00 : f64 is not a constant of type '!sgl.int'}}
  %x = sgl.const 2.5 -> !sgl.int
  sgl.yield %c0
}

// -----

sgl.program @const_int_as_number args [] {
^bb0(%c0: !sgl.ctx):
  // expected-error @+1 {{'sgl.const' op value 3 : i64 is not a constant of type '!sgl.number'}}
  %x = sgl.const 3 -> !sgl.number
  sgl.yield %c0
}

// -----

sgl.program @const_int_as_bool args [] {
^bb0(%c0: !sgl.ctx):
  // expected-error @+1 {{'sgl.const' op value 1 : i64 is not a constant of type '!sgl.bool'}}
  %x = sgl.const 1 -> !sgl.bool
  sgl.yield %c0
}

// -----

sgl.program @const_number_as_string args [] {
^bb0(%c0: !sgl.ctx):
  // expected-error @+1 {{'sgl.const' op value 2.500000e+00 : f64 is not a constant of type '!sgl.str'}}
  %x = sgl.const 2.5 -> !sgl.str
  sgl.yield %c0
}

// -----

// A list's items all have its element type.
sgl.program @list_item_of_other_type args [] {
^bb0(%c0: !sgl.ctx):
  %n = sgl.const 1 -> !sgl.int
  %s = sgl.const "a" -> !sgl.str
  // expected-error @+1 {{'sgl.list' op item of type '!sgl.str' in a list of '!sgl.int'}}
  %l = sgl.list %n, %s : !sgl.int, !sgl.str -> !sgl.list<!sgl.int>
  sgl.yield %c0
}

// -----

sgl.program @list_of_lists_with_flat_item args [] {
^bb0(%c0: !sgl.ctx):
  %s = sgl.const "a" -> !sgl.str
  %inner = sgl.list %s : !sgl.str -> !sgl.list<!sgl.str>
  // expected-error @+1 {{'sgl.list' op item of type '!sgl.str' in a list of '!sgl.list<!sgl.str>'}}
  %l = sgl.list %inner, %s : !sgl.list<!sgl.str>, !sgl.str -> !sgl.list<!sgl.list<!sgl.str>>
  sgl.yield %c0
}

// -----

// Each arm of an sgl.if is one block taking exactly the context.
sgl.program @if_then_takes_two args [] {
^bb0(%c0: !sgl.ctx):
  %b = sgl.const true -> !sgl.bool
  // expected-error @+1 {{'sgl.if' op body must take exactly one '!sgl.ctx' argument}}
  %c1 = sgl.if %b, %c0 {
  ^bb0(%t: !sgl.ctx, %u: !sgl.ctx):
    sgl.yield %t
  } else {
  ^bb0(%e: !sgl.ctx):
    sgl.yield %e
  }
  sgl.yield %c1
}

// -----

sgl.program @if_else_takes_nothing args [] {
^bb0(%c0: !sgl.ctx):
  %b = sgl.const true -> !sgl.bool
  // expected-error @+1 {{'sgl.if' op body must take exactly one '!sgl.ctx' argument}}
  %c1 = sgl.if %b, %c0 {
  ^bb0(%t: !sgl.ctx):
    sgl.yield %t
  } else {
    sgl.yield %c0
  }
  sgl.yield %c1
}

// -----

sgl.program @if_then_takes_a_string args [] {
^bb0(%c0: !sgl.ctx):
  %b = sgl.const true -> !sgl.bool
  // expected-error @+1 {{'sgl.if' op body must take exactly one '!sgl.ctx' argument}}
  %c1 = sgl.if %b, %c0 {
  ^bb0(%t: !sgl.str):
    sgl.yield %c0
  } else {
  ^bb0(%e: !sgl.ctx):
    sgl.yield %e
  }
  sgl.yield %c1
}

// -----

// A loop body takes the context and the item, of the list's element type.
sgl.program @for_without_item args ["items"] attributes {arg_types = [!sgl.list<!sgl.str>]} {
^bb0(%c0: !sgl.ctx):
  %items = sgl.arg "items" : !sgl.list<!sgl.str>
  // expected-error @+1 {{'sgl.for' op body must take a '!sgl.ctx' and a '!sgl.str'}}
  %c1 = sgl.for %c0, %items : !sgl.list<!sgl.str> {
  ^bb0(%c: !sgl.ctx):
    sgl.yield %c
  }
  sgl.yield %c1
}

// -----

sgl.program @for_item_of_wrong_type args ["items"] attributes {arg_types = [!sgl.list<!sgl.str>]} {
^bb0(%c0: !sgl.ctx):
  %items = sgl.arg "items" : !sgl.list<!sgl.str>
  // expected-error @+1 {{'sgl.for' op body must take a '!sgl.ctx' and a '!sgl.str'}}
  %c1 = sgl.for %c0, %items : !sgl.list<!sgl.str> {
  ^bb0(%c: !sgl.ctx, %i: !sgl.int):
    sgl.yield %c
  }
  sgl.yield %c1
}

// -----

sgl.program @for_arguments_swapped args ["items"] attributes {arg_types = [!sgl.list<!sgl.str>]} {
^bb0(%c0: !sgl.ctx):
  %items = sgl.arg "items" : !sgl.list<!sgl.str>
  // expected-error @+1 {{'sgl.for' op body must take a '!sgl.ctx' and a '!sgl.str'}}
  %c1 = sgl.for %c0, %items : !sgl.list<!sgl.str> {
  ^bb0(%i: !sgl.str, %c: !sgl.ctx):
    sgl.yield %c
  }
  sgl.yield %c1
}

// -----

sgl.program @for_item_is_the_list args ["items"] attributes {arg_types = [!sgl.list<!sgl.str>]} {
^bb0(%c0: !sgl.ctx):
  %items = sgl.arg "items" : !sgl.list<!sgl.str>
  // expected-error @+1 {{'sgl.for' op body must take a '!sgl.ctx' and a '!sgl.str'}}
  %c1 = sgl.for %c0, %items : !sgl.list<!sgl.str> {
  ^bb0(%c: !sgl.ctx, %i: !sgl.list<!sgl.str>):
    sgl.yield %c
  }
  sgl.yield %c1
}

// -----

// The items of a JSON value are JSON values.
sgl.program @for_over_json_with_string_item args [] {
^bb0(%c0: !sgl.ctx):
  %c1, %j = sgl.gen %c0 {json_schema = "{\"type\": \"array\"}"} : !sgl.json
  // expected-error @+1 {{'sgl.for' op body must take a '!sgl.ctx' and a '!sgl.json'}}
  %c2 = sgl.for %c1, %j : !sgl.json {
  ^bb0(%c: !sgl.ctx, %i: !sgl.str):
    sgl.yield %c
  }
  sgl.yield %c2
}

// -----

sgl.program @for_range_string_variable args [] {
^bb0(%c0: !sgl.ctx):
  %zero = sgl.const 0 -> !sgl.int
  // expected-error @+1 {{'sgl.for_range' op body must take a '!sgl.ctx' and a '!sgl.int'}}
  %c1 = sgl.for_range %c0, %zero, %zero {
  ^bb0(%c: !sgl.ctx, %i: !sgl.str):
    sgl.yield %c
  }
  sgl.yield %c1
}

// -----

sgl.program @for_range_without_variable args [] {
^bb0(%c0: !sgl.ctx):
  %zero = sgl.const 0 -> !sgl.int
  // expected-error @+1 {{'sgl.for_range' op body must take a '!sgl.ctx' and a '!sgl.int'}}
  %c1 = sgl.for_range %c0, %zero, %zero {
  ^bb0(%c: !sgl.ctx):
    sgl.yield %c
  }
  sgl.yield %c1
}

// -----

sgl.program @for_range_two_variables args [] {
^bb0(%c0: !sgl.ctx):
  %zero = sgl.const 0 -> !sgl.int
  // expected-error @+1 {{'sgl.for_range' op body must take a '!sgl.ctx' and a '!sgl.int'}}
  %c1 = sgl.for_range %c0, %zero, %zero {
  ^bb0(%c: !sgl.ctx, %i: !sgl.int, %j: !sgl.int):
    sgl.yield %c
  }
  sgl.yield %c1
}

// -----

// sgl.break leaves the innermost loop, so it needs one around it.
sgl.program @break_in_program args [] {
^bb0(%c0: !sgl.ctx):
  // expected-error @+1 {{'sgl.break' op must be inside an 'sgl.for' or 'sgl.for_range' (and not leave an 'sgl.role' or an 'sgl.fork')}}
  sgl.break %c0
}

// -----

sgl.program @break_in_if_outside_loop args [] {
^bb0(%c0: !sgl.ctx):
  %b = sgl.const true -> !sgl.bool
  %c1 = sgl.if %b, %c0 {
  ^bb0(%t: !sgl.ctx):
    // expected-error @+1 {{'sgl.break' op must be inside an 'sgl.for' or 'sgl.for_range' (and not leave an 'sgl.role' or an 'sgl.fork')}}
    sgl.break %t
  } else {
  ^bb0(%e: !sgl.ctx):
    sgl.yield %e
  }
  sgl.yield %c1
}

// -----

func.func @break_outside_program(%c: !sgl.ctx) {
  // expected-error @+1 {{'sgl.break' op must be inside an 'sgl.for' or 'sgl.for_range' (and not leave an 'sgl.role' or an 'sgl.fork')}}
  sgl.break %c
}

// -----

// A break does not leave a chat message: not from a role's body...
sgl.program @break_in_role_in_loop args [] {
^bb0(%c0: !sgl.ctx):
  %zero = sgl.const 0 -> !sgl.int
  %n = sgl.const 3 -> !sgl.int
  %c1 = sgl.for_range %c0, %zero, %n {
  ^bb0(%c: !sgl.ctx, %i: !sgl.int):
    %c2 = sgl.role user %c {
    ^bb0(%m: !sgl.ctx):
      // expected-error @+1 {{'sgl.break' op must be inside an 'sgl.for' or 'sgl.for_range' (and not leave an 'sgl.role' or an 'sgl.fork')}}
      sgl.break %m
    }
    sgl.yield %c2
  }
  sgl.yield %c1
}

// -----

// ...nor from an sgl.if inside one.
sgl.program @break_in_if_in_role_in_loop args ["items"] attributes {arg_types = [!sgl.list<!sgl.str>]} {
^bb0(%c0: !sgl.ctx):
  %items = sgl.arg "items" : !sgl.list<!sgl.str>
  %b = sgl.const true -> !sgl.bool
  %c1 = sgl.for %c0, %items : !sgl.list<!sgl.str> {
  ^bb0(%c: !sgl.ctx, %item: !sgl.str):
    %c2 = sgl.role assistant %c {
    ^bb0(%m: !sgl.ctx):
      %m1 = sgl.if %b, %m {
      ^bb0(%t: !sgl.ctx):
        // expected-error @+1 {{'sgl.break' op must be inside an 'sgl.for' or 'sgl.for_range' (and not leave an 'sgl.role' or an 'sgl.fork')}}
        sgl.break %t
      } else {
      ^bb0(%e: !sgl.ctx):
        sgl.yield %e
      }
      sgl.yield %m1
    }
    sgl.yield %c2
  }
  sgl.yield %c1
}

// -----

// Captures are what gens and selects give (the program's output object);
// other values go into the prompt with sgl.append.
sgl.program @capture_an_int args [] {
^bb0(%c0: !sgl.ctx):
  %n = sgl.const 1 -> !sgl.int
  // expected-error @+1 {{'sgl.capture' op captures the result of an 'sgl.gen', 'sgl.select', 'sgl.fork' or 'sgl.call', not another value}}
  sgl.capture "n", %n : !sgl.int
  sgl.yield %c0
}

// -----

// There are no JSON constants: a JSON value comes from a json_schema gen.
sgl.program @const_json args [] {
^bb0(%c0: !sgl.ctx):
  // expected-error @+1 {{'sgl.const' op result #0 must be a string value or a 64-bit signed integer or a double-precision number or true or false, but got '!sgl.json'}}
  %x = sgl.const "{}" -> !sgl.json
  sgl.yield %c0
}

// -----

// Arguments are strings, ints, numbers, bools or lists of strings.
// expected-error @+1 {{'sgl.program' op argument "c" has type '!sgl.ctx'; arguments are !sgl.str, !sgl.int, !sgl.number, !sgl.bool or !sgl.list<!sgl.str>}}
sgl.program @context_argument args ["c"] attributes {arg_types = [!sgl.ctx]} {
^bb0(%c0: !sgl.ctx):
  sgl.yield %c0
}

// -----

// expected-error @+1 {{'sgl.program' op argument "x" has type 'i32'}}
sgl.program @builtin_argument args ["x"] attributes {arg_types = [i32]} {
^bb0(%c0: !sgl.ctx):
  sgl.yield %c0
}

// -----

// expected-error @+1 {{'sgl.program' op argument "grid" has type '!sgl.list<!sgl.list<!sgl.int>>'}}
sgl.program @nested_list_argument args ["grid"] attributes {arg_types = [!sgl.list<!sgl.list<!sgl.int>>]} {
^bb0(%c0: !sgl.ctx):
  sgl.yield %c0
}

// -----

// A default has its argument's type.
// expected-error @+1 {{'sgl.program' op default "x" of argument "n" is not a '!sgl.int'}}
sgl.program @string_default_of_int args ["n"] attributes {arg_types = [!sgl.int], arg_defaults = ["x"]} {
^bb0(%c0: !sgl.ctx):
  sgl.yield %c0
}

// -----

// expected-error @+1 {{'sgl.program' op default [1, 2] of argument "tags" is not a '!sgl.list<!sgl.str>'}}
sgl.program @int_list_default args ["tags"] attributes {arg_types = [!sgl.list<!sgl.str>], arg_defaults = [[1, 2]]} {
^bb0(%c0: !sgl.ctx):
  sgl.yield %c0
}

// -----

// Without arg_types an argument is a string, and so is its default.
// expected-error @+1 {{'sgl.program' op default 3 : i64 of argument "q" is not a '!sgl.str'}}
sgl.program @untyped_int_default args ["q"] attributes {arg_defaults = [3]} {
^bb0(%c0: !sgl.ctx):
  sgl.yield %c0
}

// -----

// A list holds values.
sgl.program @list_of_contexts args [] {
^bb0(%c0: !sgl.ctx):
  // expected-error @+1 {{a list holds values (!sgl.str, !sgl.int, !sgl.number, !sgl.bool, !sgl.json or lists), not '!sgl.ctx'}}
  %l = sgl.list -> !sgl.list<!sgl.ctx>
  sgl.yield %c0
}

// -----

sgl.program @list_of_builtin args [] {
^bb0(%c0: !sgl.ctx):
  // expected-error @+1 {{a list holds values (!sgl.str, !sgl.int, !sgl.number, !sgl.bool, !sgl.json or lists), not 'i32'}}
  %l = sgl.list -> !sgl.list<i32>
  sgl.yield %c0
}

// -----

// Constants are i64 and f64, the plan's widths.
sgl.program @narrow_int_const args [] {
^bb0(%c0: !sgl.ctx):
  // expected-error @+1 {{'sgl.const' op value 3 : i32 is not a constant of type '!sgl.int' (a string, i64, f64 or boolean)}}
  %n = sgl.const 3 : i32 -> !sgl.int
  sgl.yield %c0
}

// -----

sgl.program @narrow_float_const args [] {
^bb0(%c0: !sgl.ctx):
  // expected-error @+1 {{'sgl.const' op value 1.500000e+00 : f32 is not a constant of type '!sgl.number' (a string, i64, f64 or boolean)}}
  %n = sgl.const 1.5 : f32 -> !sgl.number
  sgl.yield %c0
}

// -----

// A read names a capture of the program, with its type.
sgl.program @read_unknown args [] {
^bb0(%c0: !sgl.ctx):
  // expected-error @+1 {{'sgl.read' op reads "nothing", which program @read_unknown never captures}}
  %x = sgl.read "nothing" : !sgl.str
  sgl.yield %c0
}

// -----

sgl.program @read_wrong_type args [] {
^bb0(%c0: !sgl.ctx):
  %c1, %g = sgl.gen %c0 : !sgl.str
  sgl.capture "g", %g : !sgl.str
  // expected-error @+1 {{'sgl.read' op reads capture "g" of type '!sgl.str' as '!sgl.json'}}
  %x = sgl.read "g" : !sgl.json
  sgl.yield %c1
}

// -----

// A collected capture is at least one level of list of its type.
sgl.program @collected_not_a_list_of_it args [] {
^bb0(%c0: !sgl.ctx):
  %c1, %g = sgl.gen %c0 : !sgl.str
  sgl.capture "g", %g : !sgl.str
  // expected-error @+1 {{'sgl.collected' op reads capture "g" of type '!sgl.str' as '!sgl.list<!sgl.int>'}}
  %x = sgl.collected "g" : !sgl.list<!sgl.int>
  sgl.yield %c1
}

// -----

sgl.program @collected_unknown args [] {
^bb0(%c0: !sgl.ctx):
  // expected-error @+1 {{'sgl.collected' op reads "gone", which program @collected_unknown never captures}}
  %x = sgl.collected "gone" : !sgl.list<!sgl.str>
  sgl.yield %c0
}

// -----

sgl.program @fork_of_strings args [] {
^bb0(%c0: !sgl.ctx):
  %two = sgl.const 2 : i64 -> !sgl.int
  // expected-error @+1 {{'sgl.fork' op gives a '!sgl.list<!sgl.json>' (one object per branch), not '!sgl.list<!sgl.str>'}}
  %c1, %b = sgl.fork %c0, %two {
  ^bb0(%c: !sgl.ctx, %i: !sgl.int):
    sgl.yield %c
  } : !sgl.list<!sgl.str>
  sgl.yield %c1
}

// -----

sgl.program @fork_without_index args [] {
^bb0(%c0: !sgl.ctx):
  %two = sgl.const 2 : i64 -> !sgl.int
  // expected-error @+1 {{'sgl.fork' op body must take a '!sgl.ctx' and a '!sgl.int'}}
  %c1, %b = sgl.fork %c0, %two {
  ^bb0(%c: !sgl.ctx):
    sgl.yield %c
  } : !sgl.list<!sgl.json>
  sgl.yield %c1
}

// -----

// A break cannot leave a branch, even for a loop around the fork.
sgl.program @break_out_of_fork args [] {
^bb0(%c0: !sgl.ctx):
  %zero = sgl.const 0 : i64 -> !sgl.int
  %two = sgl.const 2 : i64 -> !sgl.int
  %c1 = sgl.for_range %c0, %zero, %two {
  ^bb0(%c: !sgl.ctx, %i: !sgl.int):
    %c2, %b = sgl.fork %c, %two {
    ^bb0(%d: !sgl.ctx, %j: !sgl.int):
      // expected-error @+1 {{'sgl.break' op must be inside an 'sgl.for' or 'sgl.for_range' (and not leave an 'sgl.role' or an 'sgl.fork')}}
      sgl.break %d
    } : !sgl.list<!sgl.json>
    sgl.yield %c2
  }
  sgl.yield %c1
}

// -----

sgl.program @unknown_select_method args [] {
^bb0(%c0: !sgl.ctx):
  // expected-error @+1 {{custom op 'sgl.select' expected string or keyword containing one of the following enum values for attribute 'method' [normalized, greedy, unconditional]}}
  %c1, %s = sgl.select %c0 ["a", "b"] method fastest
  sgl.yield %c1
}

// -----

sgl.program @calls_nothing args [] {
^bb0(%c0: !sgl.ctx):
  // expected-error @+1 {{'sgl.call' op calls @missing, which is not an sgl.program here}}
  %c1, %r = sgl.call @missing(%c0)
  sgl.yield %c1
}

// -----

sgl.program @too_many args [] {
^bb0(%c0: !sgl.ctx):
  %s = sgl.const "x" -> !sgl.str
  // expected-error @+1 {{'sgl.call' op passes 1 arguments to @empty, which takes 0}}
  %c1, %r = sgl.call @empty(%c0, %s : !sgl.str)
  sgl.yield %c1
}
sgl.program "private" @empty args [] {
^bb0(%c0: !sgl.ctx):
  sgl.yield %c0
}

// -----

sgl.program @wrong_type args [] {
^bb0(%c0: !sgl.ctx):
  %n = sgl.const 1 : i64 -> !sgl.int
  // expected-error @+1 {{'sgl.call' op argument 0 is '!sgl.int', but @takes_str takes '!sgl.str'}}
  %c1, %r = sgl.call @takes_str(%c0, %n : !sgl.int)
  sgl.yield %c1
}
sgl.program "private" @takes_str args ["s"] {
^bb0(%c0: !sgl.ctx):
  sgl.yield %c0
}
