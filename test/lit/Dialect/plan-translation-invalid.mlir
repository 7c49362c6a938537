// RUN: sgl-translate %s -split-input-file -verify-diagnostics --sgl-to-plan-json

// A plan is one list of steps, so every prompt op must extend the latest
// context. Two ops on the same context would be a fork, which plans do not
// have yet.
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
  %c1, %s = sgl.gen %c0
  sgl.capture "s", %s
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

// Only sgl.program ops can sit at the top of the module.
module {
  // expected-error @+1 {{'builtin.module' op cannot be translated to a plan (expected 'sgl.program')}}
  module {
  }
}
