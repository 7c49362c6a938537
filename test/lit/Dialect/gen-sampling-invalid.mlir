// The sgl.gen verifier's ranges for vLLM's min_p and penalties.
// RUN: sgl-opt %s -split-input-file -verify-diagnostics

sgl.program @min_p_below_zero args [] {
^bb0(%c0: !sgl.ctx):
  // expected-error @+1 {{'sgl.gen' op min_p must be in [0, 1], got -1.000000e-01}}
  %c1, %s = sgl.gen %c0 {min_p = -1.000000e-01 : f64} : !sgl.str
  sgl.yield %c1
}

// -----

sgl.program @min_p_above_one args [] {
^bb0(%c0: !sgl.ctx):
  // expected-error @+1 {{'sgl.gen' op min_p must be in [0, 1], got 1.5}}
  %c1, %s = sgl.gen %c0 {min_p = 1.5 : f64} : !sgl.str
  sgl.yield %c1
}

// -----

sgl.program @zero_repetition_penalty args [] {
^bb0(%c0: !sgl.ctx):
  // expected-error @+1 {{'sgl.gen' op repetition_penalty must be > 0, got 0}}
  %c1, %s = sgl.gen %c0 {repetition_penalty = 0.0 : f64} : !sgl.str
  sgl.yield %c1
}

// -----

sgl.program @infinite_repetition_penalty args [] {
^bb0(%c0: !sgl.ctx):
  // expected-error @+1 {{'sgl.gen' op repetition_penalty must be > 0, got INF}}
  %c1, %s = sgl.gen %c0 {repetition_penalty = 0x7FF0000000000000 : f64} : !sgl.str
  sgl.yield %c1
}

// -----

sgl.program @frequency_penalty_below_minus_two args [] {
^bb0(%c0: !sgl.ctx):
  // expected-error @+1 {{'sgl.gen' op frequency_penalty must be in [-2, 2], got -2.5}}
  %c1, %s = sgl.gen %c0 {frequency_penalty = -2.5 : f64} : !sgl.str
  sgl.yield %c1
}

// -----

sgl.program @presence_penalty_above_two args [] {
^bb0(%c0: !sgl.ctx):
  // expected-error @+1 {{'sgl.gen' op presence_penalty must be in [-2, 2], got 3}}
  %c1, %s = sgl.gen %c0 {presence_penalty = 3.0 : f64} : !sgl.str
  sgl.yield %c1
}

// -----

// The bounds themselves are in range.
sgl.program @bounds args [] {
^bb0(%c0: !sgl.ctx):
  %c1, %a = sgl.gen %c0 {min_p = 0.0 : f64, repetition_penalty = 1.0e-30 : f64, frequency_penalty = -2.0 : f64, presence_penalty = 2.0 : f64} : !sgl.str
  %c2, %b = sgl.gen %c1 {min_p = 1.0 : f64, frequency_penalty = 2.0 : f64, presence_penalty = -2.0 : f64} : !sgl.str
  sgl.yield %c2
}
