// RUN: sgl-translate %s -split-input-file -verify-diagnostics --sgl-to-plan-json

// A plan's blocks run their steps in order, so every prompt op must extend
// the latest context (a fork's branches start from the context in a region
// of their own: sgl.fork).
sgl.program @two_ops_on_one_context args [] {
^bb0(%c0: !sgl.ctx):
  %c1 = sgl.text %c0 "a"
  // expected-error @+1 {{'sgl.text' op does not extend the latest prompt context; a plan needs a linear context chain}}
  %c2 = sgl.text %c0 "b"
  sgl.yield %c2
}

// -----

// Yielding an older context would drop the text after it.
sgl.program @yield_of_stale_context args [] {
^bb0(%c0: !sgl.ctx):
  %c1, %s = sgl.gen %c0 : !sgl.str
  sgl.capture "s", %s : !sgl.str
  // expected-error @+1 {{'sgl.yield' op does not extend the latest prompt context}}
  sgl.yield %c0
}

// -----

// Inside a chat message the chain starts at the message's own context.
sgl.program @role_body_skips_its_context args [] {
^bb0(%c0: !sgl.ctx):
  %c1 = sgl.role user %c0 {
  ^bb0(%m0: !sgl.ctx):
    // expected-error @+1 {{'sgl.text' op does not extend the latest prompt context}}
    %m1 = sgl.text %c0 "outside"
    sgl.yield %m1
  }
  sgl.yield %c1
}

// -----

// An arm of an if starts from its own block's context.
sgl.program @if_arm_skips_its_context args ["b"] attributes {arg_types = [!sgl.bool]} {
^bb0(%c0: !sgl.ctx):
  %b = sgl.arg "b" : !sgl.bool
  %c1 = sgl.if %b, %c0 {
  ^bb0(%t: !sgl.ctx):
    // expected-error @+1 {{'sgl.text' op does not extend the latest prompt context}}
    %t1 = sgl.text %c0 "outside"
    sgl.yield %t1
  } else {
  ^bb0(%e: !sgl.ctx):
    sgl.yield %e
  }
  sgl.yield %c1
}

// -----

// A break leaves the loop with the latest context of its block.
sgl.program @break_of_stale_context args ["n"] attributes {arg_types = [!sgl.int]} {
^bb0(%c0: !sgl.ctx):
  %n = sgl.arg "n" : !sgl.int
  %zero = sgl.const 0 -> !sgl.int
  %c1 = sgl.for_range %c0, %zero, %n {
  ^bb0(%c: !sgl.ctx, %i: !sgl.int):
    %c2 = sgl.text %c "step"
    // expected-error @+1 {{'sgl.break' op does not extend the latest prompt context}}
    sgl.break %c
  }
  sgl.yield %c1
}

// -----

// After a loop the chain goes on from the loop's result.
sgl.program @after_loop_uses_entry args ["items"] attributes {arg_types = [!sgl.list<!sgl.str>]} {
^bb0(%c0: !sgl.ctx):
  %items = sgl.arg "items" : !sgl.list<!sgl.str>
  %c1 = sgl.for %c0, %items : !sgl.list<!sgl.str> {
  ^bb0(%c: !sgl.ctx, %x: !sgl.str):
    %c2 = sgl.append %c, %x : !sgl.str
    sgl.yield %c2
  }
  // expected-error @+1 {{'sgl.text' op does not extend the latest prompt context}}
  %c3 = sgl.text %c0 "stale"
  sgl.yield %c3
}

// -----

// Only sgl.program ops can sit at the top of the module.
module {
  // expected-error @+1 {{'builtin.module' op cannot be translated to a plan (expected 'sgl.program')}}
  module {
  }
}

// -----

// Calls are inlined into the plan, so a cycle of calls cannot be translated.
sgl.program @ping args [] {
^bb0(%c0: !sgl.ctx):
  %c1, %r = sgl.call @pong(%c0)
  sgl.yield %c1
}
sgl.program "private" @pong args [] {
^bb0(%c0: !sgl.ctx):
  // expected-error @+1 {{'sgl.call' op calls @ping recursively; calls are inlined, so they cannot recurse}}
  %c1, %r = sgl.call @ping(%c0)
  sgl.yield %c1
}
