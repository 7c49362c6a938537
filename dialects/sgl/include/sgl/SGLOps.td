//===- SGLOps.td - Operations of the sgl dialect -----------*- tablegen -*-===//
#ifndef SGL_OPS_TD
#define SGL_OPS_TD

include "mlir/IR/SymbolInterfaces.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "sgl/SGLAttrs.td"
include "sgl/SGLDialect.td"
include "sgl/SGLTypes.td"

//===----------------------------------------------------------------------===//
// sgl.program
//===----------------------------------------------------------------------===//

def SGL_ProgramOp : SGL_Op<"program", [Symbol, IsolatedFromAbove]> {
  let summary = "a prompt program: typed arguments in, captures out";
  let description = [{
    A named program. `args` lists the names of its arguments, which the
    body reads with `sgl.arg`; `arg_types` gives their types (absent: all
    `!sgl.str`) and `arg_defaults` their defaults (a literal attribute, or
    `unit` for none; absent: none). Argument types are `!sgl.str`,
    `!sgl.int`, `!sgl.number`, `!sgl.bool` and `!sgl.list<!sgl.str>`; a
    default is a string, `i64`, `f64` or boolean attribute, or an array of
    strings, of the argument's type. The body is one block whose only
    argument is the empty prompt context; it ends with `sgl.yield` of the
    final context. Capture names (`sgl.capture`) are unique within a
    program, and every `sgl.read` and `sgl.collected` names one of them
    with its type (one level of list per loop left, for `sgl.collected`).

    ```mlir
    sgl.program @ask args ["q", "n"] attributes {arg_defaults = [unit, 3], arg_types = [!sgl.str, !sgl.int]} {
    ^bb0(%c0: !sgl.ctx):
      %q = sgl.arg "q" : !sgl.str
      %c1 = sgl.append %c0, %q : !sgl.str
      %c2, %a = sgl.gen %c1 {max_tokens = 64 : i64} : !sgl.str
      sgl.capture "a", %a : !sgl.str
      sgl.yield %c2
    }
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name, StrArrayAttr:$arg_names,
                       OptionalAttr<TypeArrayAttr>:$arg_types,
                       OptionalAttr<ArrayAttr>:$arg_defaults,
                       OptionalAttr<StrAttr>:$sym_visibility);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "($sym_visibility^)? $sym_name `args` $arg_names attr-dict-with-keyword $body";
  let hasRegionVerifier = 1;
  let skipDefaultBuilders = 1;
  let builders = [
    OpBuilder<(ins "::llvm::StringRef":$name,
                   "::llvm::ArrayRef<::llvm::StringRef>":$argNames)>
  ];
  let extraClassDeclaration = [{
    /// The entry block's only argument: the empty prompt context.
    ::mlir::BlockArgument getInitialContext() {
      return getBody().front().getArgument(0);
    }
    /// Position of `name` in `arg_names`, or -1 when it is not an argument.
    /// Linear in the number of arguments: code that looks up every
    /// `sgl.arg` of a program builds a map once instead.
    int64_t lookupArgument(::llvm::StringRef name);
    /// The type of argument `index` (`!sgl.str` without `arg_types`).
    ::mlir::Type getArgType(size_t index);

  private:
    /// Every sgl.read and sgl.collected names one of `captures` with a type
    /// its value can have there.
    ::mlir::LogicalResult verifyCaptureReads(
        const ::llvm::DenseMap<::mlir::StringAttr, CaptureOp> &captures);

  public:
  }];
}

//===----------------------------------------------------------------------===//
// sgl.arg
//===----------------------------------------------------------------------===//

def SGL_ArgOp : SGL_Op<"arg", [Pure]> {
  let summary = "read a program argument";
  let description = [{
    The value of the enclosing program's argument `name`, which must be one
    of the program's `args`, of its type.

    ```mlir
    %q = sgl.arg "question" : !sgl.str
    %n = sgl.arg "n" : !sgl.int
    ```
  }];
  let arguments = (ins StrAttr:$name);
  let results = (outs SGL_AnyValue:$value);
  let assemblyFormat = "$name attr-dict `:` type($value)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// sgl.text
//===----------------------------------------------------------------------===//

def SGL_TextOp : SGL_Op<"text", [Pure]> {
  let summary = "append constant text to the prompt";
  let description = [{
    Appends `text` to the context. Canonicalization merges a chain of
    `sgl.text` ops into one and drops empty ones.

    ```mlir
    %c1 = sgl.text %c0 "The answer is "
    ```
  }];
  let arguments = (ins SGL_CtxType:$ctx, StrAttr:$text);
  let results = (outs SGL_CtxType:$next_ctx);
  let assemblyFormat = "$ctx $text attr-dict";
  let hasCanonicalizer = 1;
  let builders = [
    OpBuilder<(ins "::mlir::Value":$ctx, "::llvm::StringRef":$text), [{
      build($_builder, $_state, CtxType::get($_builder.getContext()), ctx, text);
    }]>
  ];
}

//===----------------------------------------------------------------------===//
// sgl.append
//===----------------------------------------------------------------------===//

def SGL_AppendOp : SGL_Op<"append", [Pure]> {
  let summary = "append a value to the prompt as text";
  let description = [{
    Appends the run-time `value` (an argument, a capture, an expression) to
    the context as text: a string as it is, an int in decimal, a number as
    the shortest text that reads back as it, a bool as `true`/`false`, a
    list as JSON, a json_schema capture as the text the model wrote.

    ```mlir
    %c2 = sgl.append %c1, %q : !sgl.str
    ```
  }];
  let arguments = (ins SGL_CtxType:$ctx, SGL_AnyValue:$value);
  let results = (outs SGL_CtxType:$next_ctx);
  let assemblyFormat = "$ctx `,` $value attr-dict `:` type($value)";
  let builders = [
    OpBuilder<(ins "::mlir::Value":$ctx, "::mlir::Value":$value), [{
      build($_builder, $_state, CtxType::get($_builder.getContext()), ctx, value);
    }]>
  ];
}

//===----------------------------------------------------------------------===//
// sgl.role
//===----------------------------------------------------------------------===//

def SGL_RoleOp : SGL_Op<"role", [SingleBlock, RecursiveMemoryEffects]> {
  let summary = "a chat message from one speaker";
  let description = [{
    The body is the content of one chat message of `role`. Its block takes
    the context at the start of the message and yields the context at its
    end; the op returns the context after the message is closed. A capture
    made inside the message is read after it with `sgl.read`. Roles do not
    nest.

    ```mlir
    %c1 = sgl.role assistant %c0 {
    ^bb0(%m0: !sgl.ctx):
      %m1, %ans = sgl.gen %m0 {max_tokens = 256 : i64} : !sgl.str
      sgl.capture "a", %ans : !sgl.str
      sgl.yield %m1
    }
    ```
  }];
  let arguments = (ins SGL_RoleAttr:$role, SGL_CtxType:$ctx);
  let results = (outs SGL_CtxType:$next_ctx);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "$role $ctx attr-dict-with-keyword $body";
  let hasRegionVerifier = 1;
  let builders = [
    // Leaves the body region empty: the caller moves in a block that takes
    // one `!sgl.ctx` and ends in `sgl.yield` of the context.
    OpBuilder<(ins "Role":$role, "::mlir::Value":$ctx), [{
      build($_builder, $_state, CtxType::get($_builder.getContext()), role, ctx);
    }]>
  ];
}

//===----------------------------------------------------------------------===//
// sgl.gen
//===----------------------------------------------------------------------===//

def SGL_GenOp : SGL_Op<"gen"> {
  let summary = "generate text with the model";
  let description = [{
    Samples a continuation of the context and appends it. Returns the
    extended context and the generated string. All sampling parameters are
    optional: `max_tokens` (> 0), `stop` (strings that end generation),
    `temperature` (>= 0), `top_p` (in (0, 1]), `top_k` (>= 0, 0 = off) and
    `seed` (>= 0). Not `Pure`: two generations from the same context are two
    samples and must not be merged.

    The rest mean what they mean in vLLM. `min_p` (in [0, 1], 0 = off)
    keeps the tokens whose probability after temperature is at least `min_p`
    times the most likely one's, before `top_k` and `top_p`. The penalties
    change the logits before temperature: `repetition_penalty` (> 0, 1 =
    off) divides a positive logit and multiplies a negative one of every
    token in the context or the output so far; `frequency_penalty` (in
    [-2, 2], 0 = off) is subtracted once per occurrence in the gen's output
    so far, `presence_penalty` (in [-2, 2], 0 = off) once if it occurs.

    A constraint makes the output match a regular expression (`regex`, the
    pattern) or a JSON Schema (`json_schema`, the schema's JSON text); the
    front end has checked that it compiles. A gen has at most one, and no
    `stop` strings with it: the constraint decides where the output ends.

    The result is a `!sgl.str`; under `json_schema` it is the JSON value
    the model wrote: a `!sgl.json`, or the value type the schema's JSON
    always has (a typed gen `gen n: int` gives an `!sgl.int`, `[str]` a
    `!sgl.list<!sgl.str>`).

    ```mlir
    %c1, %s = sgl.gen %c0 {max_tokens = 128 : i64, stop = ["\n"], temperature = 0.7 : f64} : !sgl.str
    %c2, %n = sgl.gen %c1 {max_tokens = 8 : i64, regex = "[0-9]{3}"} : !sgl.str
    %c3, %p = sgl.gen %c2 {json_schema = "{\"type\": \"integer\"}"} : !sgl.json
    %c4, %r = sgl.gen %c3 {min_p = 0.05 : f64, repetition_penalty = 1.3 : f64, frequency_penalty = 0.5 : f64} : !sgl.str
    ```
  }];
  let arguments = (ins SGL_CtxType:$ctx,
                       OptionalAttr<I64Attr>:$max_tokens,
                       OptionalAttr<StrArrayAttr>:$stop,
                       OptionalAttr<F64Attr>:$temperature,
                       OptionalAttr<F64Attr>:$top_p,
                       OptionalAttr<I64Attr>:$top_k,
                       OptionalAttr<I64Attr>:$seed,
                       OptionalAttr<StrAttr>:$regex,
                       OptionalAttr<StrAttr>:$json_schema,
                       OptionalAttr<F64Attr>:$min_p,
                       OptionalAttr<F64Attr>:$repetition_penalty,
                       OptionalAttr<F64Attr>:$frequency_penalty,
                       OptionalAttr<F64Attr>:$presence_penalty);
  let results = (outs SGL_CtxType:$next_ctx, SGL_AnyValue:$generated);
  let assemblyFormat = "$ctx attr-dict `:` type($generated)";
  let hasVerifier = 1;
  let builders = [
    // Sampling parameters are set afterwards with the attribute setters.
    OpBuilder<(ins "::mlir::Value":$ctx, "::mlir::Type":$resultType), [{
      ::mlir::MLIRContext *context = $_builder.getContext();
      build($_builder, $_state, CtxType::get(context), resultType, ctx,
            nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr,
            nullptr, nullptr, nullptr, nullptr, nullptr);
    }]>
  ];
}

//===----------------------------------------------------------------------===//
// sgl.select
//===----------------------------------------------------------------------===//

def SGL_SelectOp : SGL_Op<"select"> {
  let summary = "let the model choose one of a fixed list of strings";
  let description = [{
    Appends the best of `choices` to the context and returns it as a
    string. The list is non-empty and has no duplicates. `method` says how
    choices are scored (first best wins a tie): `normalized` (the default)
    by the mean log-prob of the choice's tokens after the context, `greedy`
    by the log-prob of its first token, `unconditional` by the sum of its
    tokens' log-probs after the context minus their sum after the BOS
    token alone (how much the context makes the choice likelier).

    ```mlir
    %c1, %tool = sgl.select %c0 ["calculator", "search engine"]
    %c2, %yes = sgl.select %c1 ["yes", "no"] method greedy
    ```
  }];
  let arguments = (ins SGL_CtxType:$ctx, StrArrayAttr:$choices,
      DefaultValuedAttr<SGL_SelectMethodAttr, "SelectMethod::Normalized">:$method);
  let results = (outs SGL_CtxType:$next_ctx, SGL_StrType:$choice);
  let assemblyFormat = "$ctx $choices (`method` $method^)? attr-dict";
  let hasVerifier = 1;
  let builders = [
    OpBuilder<(ins "::mlir::Value":$ctx, "::llvm::ArrayRef<::llvm::StringRef>":$choices,
                   CArg<"SelectMethod", "SelectMethod::Normalized">:$method), [{
      ::mlir::MLIRContext *context = $_builder.getContext();
      build($_builder, $_state, CtxType::get(context), StrType::get(context), ctx,
            $_builder.getStrArrayAttr(choices),
            SelectMethodAttr::get(context, method));
    }]>
  ];
}

//===----------------------------------------------------------------------===//
// sgl.capture
//===----------------------------------------------------------------------===//

def SGL_CaptureOp : SGL_Op<"capture"> {
  let summary = "declare a program output";
  let description = [{
    Names `value` (the result of an `sgl.gen`, `sgl.select`, `sgl.fork` or
    `sgl.call`) as the output `name` of the enclosing program, or of each
    branch of the innermost enclosing `sgl.fork`; the program's result is a
    JSON object of its captures. Names are unique within a program (checked by
    `sgl.program`).

    Inside a loop the output is a list of the value of every iteration.

    ```mlir
    sgl.capture "answer", %s : !sgl.str
    ```
  }];
  let arguments = (ins StrAttr:$name, SGL_AnyValue:$value);
  let hasVerifier = 1;
  let assemblyFormat = "$name `,` $value attr-dict `:` type($value)";
}

//===----------------------------------------------------------------------===//
// sgl.yield
//===----------------------------------------------------------------------===//

def SGL_YieldOp : SGL_Op<"yield", [Pure, Terminator, ReturnLike,
    ParentOneOf<["ProgramOp", "RoleOp", "IfOp", "ForOp", "ForRangeOp",
                 "ForkOp"]>]> {
  let summary = "end a program, a message, an arm, a loop body or a branch";
  let description = [{
    Terminates a region of `sgl.program`, `sgl.role`, `sgl.if`, `sgl.for`,
    `sgl.for_range` or `sgl.fork` with the context at its end.

    ```mlir
    sgl.yield %c3
    ```
  }];
  let arguments = (ins SGL_CtxType:$ctx);
  let assemblyFormat = "$ctx attr-dict";
}

//===----------------------------------------------------------------------===//
// Values: constants, lists, operators, reads
//===----------------------------------------------------------------------===//

def SGL_ConstOp : SGL_Op<"const", [Pure]> {
  let summary = "a constant value";
  let description = [{
    A string, integer (`i64`), number (`f64`) or boolean attribute as a
    value of the matching type.

    ```mlir
    %s = sgl.const "calculator" -> !sgl.str
    %n = sgl.const 3 -> !sgl.int
    ```
  }];
  let arguments = (ins AnyAttr:$value);
  let results = (outs AnyTypeOf<[SGL_StrType, SGL_IntType, SGL_NumberType,
                                 SGL_BoolType]>:$result);
  // A `:` after an attribute would read as the attribute's own type.
  let assemblyFormat = "$value attr-dict `->` type($result)";
  let hasVerifier = 1;
}

def SGL_ListOp : SGL_Op<"list", [Pure]> {
  let summary = "a list of values";
  let description = [{
    The list of `items`, all of the result's element type.

    ```mlir
    %l = sgl.list %a, %b : !sgl.str, !sgl.str -> !sgl.list<!sgl.str>
    ```
  }];
  let arguments = (ins Variadic<SGL_AnyValue>:$items);
  let results = (outs SGL_ListType:$result);
  let assemblyFormat = [{
    ($items^ `:` type($items))? attr-dict `->` qualified(type($result))
  }];
  let hasVerifier = 1;
}

def SGL_BinaryOp : SGL_Op<"binary", [Pure]> {
  let summary = "an arithmetic, comparison, membership or logic operator";
  let description = [{
    `add sub mul div mod` on ints and numbers (`add` also concatenates two
    strings), `eq ne lt le gt ge` comparisons, `in` (the left operand is an
    item of the right list) and `and`/`or` on bools. The front end has
    checked the operand types; the plan evaluates `and`/`or` lazily, so the
    right operand of `and` runs only when the left is true.

    ```mlir
    %b = sgl.binary eq %tool, %calc : !sgl.str, !sgl.str -> !sgl.bool
    ```
  }];
  let arguments = (ins SGL_BinaryKindAttr:$kind, SGL_AnyValue:$lhs,
                       SGL_AnyValue:$rhs);
  let results = (outs SGL_AnyValue:$result);
  let assemblyFormat = [{
    $kind $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)
  }];
}

def SGL_NotOp : SGL_Op<"not", [Pure]> {
  let summary = "logical negation";
  let description = [{
    ```mlir
    %nb = sgl.not %b
    ```
  }];
  let arguments = (ins SGL_BoolType:$operand);
  let results = (outs SGL_BoolType:$result);
  let assemblyFormat = "$operand attr-dict";
  let builders = [
    OpBuilder<(ins "::mlir::Value":$operand), [{
      build($_builder, $_state, BoolType::get($_builder.getContext()), operand);
    }]>
  ];
}

def SGL_NegOp : SGL_Op<"neg", [Pure, AllTypesMatch<["operand", "result"]>]> {
  let summary = "arithmetic negation";
  let description = [{
    ```mlir
    %m = sgl.neg %n : !sgl.int
    ```
  }];
  let arguments = (ins AnyTypeOf<[SGL_IntType, SGL_NumberType]>:$operand);
  let results = (outs AnyTypeOf<[SGL_IntType, SGL_NumberType]>:$result);
  let assemblyFormat = "$operand attr-dict `:` type($operand)";
}

def SGL_IndexOp : SGL_Op<"index", [Pure]> {
  let summary = "an item of a list (or of a JSON value)";
  let description = [{
    Item `index` of `base`; an index past the end (or below 0) is an error
    when the program runs.

    ```mlir
    %x = sgl.index %l, %i : !sgl.list<!sgl.str>, !sgl.int -> !sgl.str
    ```
  }];
  let arguments = (ins AnyTypeOf<[SGL_ListType, SGL_JsonType]>:$base,
                       AnyTypeOf<[SGL_IntType, SGL_StrType]>:$index);
  let results = (outs SGL_AnyValue:$result);
  let assemblyFormat = [{
    $base `,` $index attr-dict `:` type($base) `,` type($index) `->` type($result)
  }];
}

def SGL_FieldOp : SGL_Op<"field", [Pure]> {
  let summary = "a member of a JSON object";
  let description = [{
    The member `name` of a JSON object, as a value: of the field's type when
    a typed gen made the object (a string field of a record is a
    `!sgl.str`), else a `!sgl.json`. A member the object lacks is an error
    when the program runs.

    ```mlir
    %t = sgl.field %summary "title" : !sgl.json
    %n = sgl.field %info "name" : !sgl.str
    ```
  }];
  let arguments = (ins SGL_JsonType:$base, StrAttr:$name);
  let results = (outs SGL_AnyValue:$result);
  let assemblyFormat = "$base $name attr-dict `:` type($result)";
}

def SGL_LenOp : SGL_Op<"len", [Pure]> {
  let summary = "the length of a string (in characters) or a list";
  let description = [{
    ```mlir
    %n = sgl.len %l : !sgl.list<!sgl.str>
    ```
  }];
  let arguments = (ins AnyTypeOf<[SGL_StrType, SGL_ListType, SGL_JsonType]>:$operand);
  let results = (outs SGL_IntType:$result);
  let assemblyFormat = "$operand attr-dict `:` type($operand)";
  let builders = [
    OpBuilder<(ins "::mlir::Value":$operand), [{
      build($_builder, $_state, IntType::get($_builder.getContext()), operand);
    }]>
  ];
}

def SGL_ReadOp : SGL_Op<"read"> {
  let summary = "read a capture made in another region";
  let description = [{
    The current value of capture `name` where the capture's own value does
    not dominate the read: after the `sgl.role` or `sgl.if` it was made in.
    The front end has checked that every path to the read sets it. Not
    `Pure`: it reads what the program has captured so far.

    ```mlir
    %a = sgl.read "answer" : !sgl.str
    ```
  }];
  let arguments = (ins StrAttr:$name);
  let results = (outs SGL_AnyValue:$value);
  let assemblyFormat = "$name attr-dict `:` type($value)";
}

def SGL_CollectedOp : SGL_Op<"collected"> {
  let summary = "the values a capture took in a loop";
  let description = [{
    After the loops capture `name` was made in (and inside the outer ones
    it shares with the read), the list of its value in every iteration:
    one level of list per loop left, `null`-free only where every iteration
    reached the capture.

    ```mlir
    %all = sgl.collected "thought" : !sgl.list<!sgl.str>
    ```
  }];
  let arguments = (ins StrAttr:$name);
  let results = (outs SGL_ListType:$value);
  let assemblyFormat = "$name attr-dict `:` qualified(type($value))";
}

//===----------------------------------------------------------------------===//
// Control flow
//===----------------------------------------------------------------------===//

def SGL_IfOp : SGL_Op<"if", [RecursiveMemoryEffects]> {
  let summary = "run one of two regions";
  let description = [{
    Runs `then` when `condition` is true and `else` otherwise. Each region
    is one block whose one argument is the op's `ctx`; the context leaves
    through the block's `sgl.yield` as the op's result, or through a
    `sgl.break` out of an enclosing loop.

    ```mlir
    %c2 = sgl.if %b, %c1 {
    ^bb0(%t: !sgl.ctx):
      %t1 = sgl.text %t "yes"
      sgl.yield %t1
    } else {
    ^bb0(%e: !sgl.ctx):
      sgl.yield %e
    }
    ```
  }];
  let arguments = (ins SGL_BoolType:$condition, SGL_CtxType:$ctx);
  let results = (outs SGL_CtxType:$next_ctx);
  let regions = (region SizedRegion<1>:$thenRegion, SizedRegion<1>:$elseRegion);
  let assemblyFormat = "$condition `,` $ctx $thenRegion `else` $elseRegion attr-dict";
  let hasRegionVerifier = 1;
}

def SGL_ForOp : SGL_Op<"for", [RecursiveMemoryEffects]> {
  let summary = "run a region once per item of a list";
  let description = [{
    The body's block takes the context and the item; it ends with
    `sgl.yield` of the context for the next iteration, or leaves the loop
    early through a `sgl.break` (possibly nested in `sgl.if`). The result is
    the context after the last iteration.

    ```mlir
    %c2 = sgl.for %c1, %items : !sgl.list<!sgl.str> {
    ^bb0(%c: !sgl.ctx, %item: !sgl.str):
      %c3 = sgl.append %c, %item : !sgl.str
      sgl.yield %c3
    }
    ```
  }];
  let arguments = (ins SGL_CtxType:$ctx,
                       AnyTypeOf<[SGL_ListType, SGL_JsonType]>:$items);
  let results = (outs SGL_CtxType:$next_ctx);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "$ctx `,` $items `:` type($items) $body attr-dict";
  let hasRegionVerifier = 1;
}

def SGL_ForRangeOp : SGL_Op<"for_range", [RecursiveMemoryEffects]> {
  let summary = "run a region once per integer of a half-open range";
  let description = [{
    Runs the body for each `i` in `[first, end)` (none when `end <= first`);
    the body's block takes the context and `i`, as in `sgl.for`.

    ```mlir
    %c2 = sgl.for_range %c1, %zero, %n {
    ^bb0(%c: !sgl.ctx, %i: !sgl.int):
      sgl.yield %c
    }
    ```
  }];
  let arguments = (ins SGL_CtxType:$ctx, SGL_IntType:$first, SGL_IntType:$end);
  let results = (outs SGL_CtxType:$next_ctx);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "$ctx `,` $first `,` $end $body attr-dict";
  let hasRegionVerifier = 1;
}

def SGL_ForkOp : SGL_Op<"fork", [RecursiveMemoryEffects]> {
  let summary = "run a region as `count` branches from one context";
  let description = [{
    Runs the body `count` times (none when `count <= 0`), each branch from
    `ctx` with its index `i` in `[0, count)`; branches may run in any order
    or together. The body's block takes the context and `i`. The
    `sgl.capture`s in the body are fields of a branch: `branches` is the
    list of one JSON object per branch, `{name: value}` of those captures
    (a capture in a loop inside the body is its list). The context after
    the fork is `ctx` again: what the branches appended stays theirs.
    A `sgl.break` in the body leaves a loop inside it, never the fork.

    ```mlir
    %c2, %tips = sgl.fork %c1, %n {
    ^bb0(%c: !sgl.ctx, %i: !sgl.int):
      %c3, %t = sgl.gen %c {max_tokens = 16 : i64} : !sgl.str
      sgl.capture "tip", %t : !sgl.str
      sgl.yield %c3
    } : !sgl.list<!sgl.json>
    sgl.capture "tips", %tips : !sgl.list<!sgl.json>
    ```
  }];
  let arguments = (ins SGL_CtxType:$ctx, SGL_IntType:$count);
  let results = (outs SGL_CtxType:$next_ctx, SGL_ListType:$branches);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "$ctx `,` $count $body attr-dict `:` qualified(type($branches))";
  let hasRegionVerifier = 1;
  let builders = [
    OpBuilder<(ins "::mlir::Value":$ctx, "::mlir::Value":$count), [{
      ::mlir::MLIRContext *context = $_builder.getContext();
      build($_builder, $_state, CtxType::get(context),
            ListType::get(context, JsonType::get(context)), ctx, count);
    }]>
  ];
}

//===----------------------------------------------------------------------===//
// sgl.call
//===----------------------------------------------------------------------===//

def SGL_CallOp : SGL_Op<"call",
    [DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "run another program in this context";
  let description = [{
    Runs the program `callee` with `args` (one per argument of it, of its
    argument's type, in its order) from `ctx`: what it appends stays in the
    prompt, so `next_ctx` is the context after its body. `result` is the
    JSON object of the callee's captures. A program that is only called
    (an imported one) is `private`; calls do not recurse.

    ```mlir
    %c2, %s = sgl.call @summarize(%c1, %doc, %n : !sgl.str, !sgl.int)
    sgl.capture "s", %s : !sgl.json
    ```
  }];
  let arguments = (ins SGL_CtxType:$ctx, FlatSymbolRefAttr:$callee,
                       Variadic<SGL_AnyValue>:$args);
  let results = (outs SGL_CtxType:$next_ctx, SGL_JsonType:$result);
  let assemblyFormat = [{
    $callee `(` $ctx (`,` $args^ `:` type($args))? `)` attr-dict
  }];
  let builders = [
    OpBuilder<(ins "::mlir::Value":$ctx, "::llvm::StringRef":$callee,
                   "::mlir::ValueRange":$args), [{
      ::mlir::MLIRContext *context = $_builder.getContext();
      build($_builder, $_state, CtxType::get(context), JsonType::get(context),
            ctx, ::mlir::FlatSymbolRefAttr::get(context, callee), args);
    }]>
  ];
}

def SGL_BreakOp : SGL_Op<"break", [Terminator]> {
  let summary = "leave the innermost loop";
  let description = [{
    Ends the innermost enclosing `sgl.for` or `sgl.for_range` with `ctx` as
    its result; it may sit in `sgl.if` regions inside the loop body, not in
    a `sgl.role` or a `sgl.fork` inside it.

    ```mlir
    sgl.break %t1
    ```
  }];
  let arguments = (ins SGL_CtxType:$ctx);
  let assemblyFormat = "$ctx attr-dict";
  let hasVerifier = 1;
}

#endif // SGL_OPS_TD
