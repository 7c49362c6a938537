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
  let summary = "a prompt program: string arguments in, captures out";
  let description = [{
    A named program. `args` lists the names of its string arguments, which
    the body reads with `sgl.arg`. The body is one block whose only argument
    is the empty prompt context; it ends with `sgl.yield` of the final
    context. Capture names (`sgl.capture`) are unique within a program.

    ```mlir
    sgl.program @ask args ["q"] {
    ^bb0(%c0: !sgl.ctx):
      %q = sgl.arg "q"
      %c1 = sgl.append %c0, %q
      %c2, %a = sgl.gen %c1 {max_tokens = 64 : i64}
      sgl.capture "a", %a
      sgl.yield %c2
    }
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name, StrArrayAttr:$arg_names);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "$sym_name `args` $arg_names attr-dict-with-keyword $body";
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
  }];
}

//===----------------------------------------------------------------------===//
// sgl.arg
//===----------------------------------------------------------------------===//

def SGL_ArgOp : SGL_Op<"arg", [Pure]> {
  let summary = "read a program argument";
  let description = [{
    The value of the enclosing program's argument `name`, which must be one
    of the program's `args`.

    ```mlir
    %q = sgl.arg "question"
    ```
  }];
  let arguments = (ins StrAttr:$name);
  let results = (outs SGL_StrType:$value);
  let assemblyFormat = "$name attr-dict";
  let hasVerifier = 1;
  let builders = [
    OpBuilder<(ins "::llvm::StringRef":$name), [{
      build($_builder, $_state, StrType::get($_builder.getContext()), name);
    }]>
  ];
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
  let summary = "append a string value to the prompt";
  let description = [{
    Appends the run-time string `value` (an argument or a captured result)
    to the context. (DESIGN.md sketched this as `sgl.concat`; `append` says
    what it does: the context grows, no new string is formed.)

    ```mlir
    %c2 = sgl.append %c1, %q
    ```
  }];
  let arguments = (ins SGL_CtxType:$ctx, SGL_StrType:$value);
  let results = (outs SGL_CtxType:$next_ctx);
  let assemblyFormat = "$ctx `,` $value attr-dict";
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
    end; the op returns the context after the message is closed. Strings
    produced inside the message that are used after it (for example a
    generated answer interpolated into a later turn) are yielded after the
    context and returned as extra results. Roles do not nest.

    ```mlir
    %c1, %a = sgl.role assistant %c0 -> !sgl.str {
    ^bb0(%m0: !sgl.ctx):
      %m1, %ans = sgl.gen %m0 {max_tokens = 256 : i64}
      sgl.capture "a", %ans
      sgl.yield %m1, %ans : !sgl.str
    }
    ```
  }];
  let arguments = (ins SGL_RoleAttr:$role, SGL_CtxType:$ctx);
  let results = (outs SGL_CtxType:$next_ctx, Variadic<SGL_StrType>:$values);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    $role $ctx (`->` type($values)^)? attr-dict-with-keyword $body
  }];
  let hasRegionVerifier = 1;
  let builders = [
    // Leaves the body region empty: the caller moves in a block that takes
    // one `!sgl.ctx` and ends in `sgl.yield` of the context and
    // `numValues` strings.
    OpBuilder<(ins "Role":$role, "::mlir::Value":$ctx, "unsigned":$numValues), [{
      ::mlir::MLIRContext *context = $_builder.getContext();
      ::llvm::SmallVector<::mlir::Type> valueTypes(numValues, StrType::get(context));
      build($_builder, $_state, CtxType::get(context), valueTypes, role, ctx);
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

    A constraint makes the output match a regular expression (`regex`, the
    pattern) or a JSON Schema (`json_schema`, the schema's JSON text); the
    front end has checked that it compiles. A gen has at most one, and no
    `stop` strings with it: the constraint decides where the output ends.

    ```mlir
    %c1, %s = sgl.gen %c0 {max_tokens = 128 : i64, stop = ["\n"], temperature = 0.7 : f64}
    %c2, %n = sgl.gen %c1 {max_tokens = 8 : i64, regex = "[0-9]{3}"}
    %c3, %p = sgl.gen %c2 {json_schema = "{\"type\": \"integer\"}"}
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
                       OptionalAttr<StrAttr>:$json_schema);
  let results = (outs SGL_CtxType:$next_ctx, SGL_StrType:$generated);
  let assemblyFormat = "$ctx attr-dict";
  let hasVerifier = 1;
  let builders = [
    // Sampling parameters are set afterwards with the attribute setters.
    OpBuilder<(ins "::mlir::Value":$ctx), [{
      ::mlir::MLIRContext *context = $_builder.getContext();
      build($_builder, $_state, CtxType::get(context), StrType::get(context), ctx,
            nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr,
            nullptr);
    }]>
  ];
}

//===----------------------------------------------------------------------===//
// sgl.select
//===----------------------------------------------------------------------===//

def SGL_SelectOp : SGL_Op<"select"> {
  let summary = "let the model choose one of a fixed list of strings";
  let description = [{
    Appends the most likely of `choices` to the context and returns it as a
    string. The list is non-empty and has no duplicates.

    ```mlir
    %c1, %tool = sgl.select %c0 ["calculator", "search engine"]
    ```
  }];
  let arguments = (ins SGL_CtxType:$ctx, StrArrayAttr:$choices);
  let results = (outs SGL_CtxType:$next_ctx, SGL_StrType:$choice);
  let assemblyFormat = "$ctx $choices attr-dict";
  let hasVerifier = 1;
  let builders = [
    OpBuilder<(ins "::mlir::Value":$ctx, "::llvm::ArrayRef<::llvm::StringRef>":$choices), [{
      ::mlir::MLIRContext *context = $_builder.getContext();
      build($_builder, $_state, CtxType::get(context), StrType::get(context), ctx,
            $_builder.getStrArrayAttr(choices));
    }]>
  ];
}

//===----------------------------------------------------------------------===//
// sgl.capture
//===----------------------------------------------------------------------===//

def SGL_CaptureOp : SGL_Op<"capture"> {
  let summary = "declare a program output";
  let description = [{
    Names `value` as the output `name` of the enclosing program; the
    program's result is a JSON object of its captures. Names are unique
    within a program (checked by `sgl.program`).

    ```mlir
    sgl.capture "answer", %s
    ```
  }];
  let arguments = (ins StrAttr:$name, SGL_StrType:$value);
  let assemblyFormat = "$name `,` $value attr-dict";
}

//===----------------------------------------------------------------------===//
// sgl.yield
//===----------------------------------------------------------------------===//

def SGL_YieldOp : SGL_Op<"yield", [Pure, Terminator, ReturnLike,
                                    ParentOneOf<["ProgramOp", "RoleOp"]>]> {
  let summary = "end a program or a chat message";
  let description = [{
    Terminates the body of `sgl.program` or `sgl.role` with the final
    context. In a role body it also yields the strings the role returns,
    matching the role's extra results; a program yields only the context.

    ```mlir
    sgl.yield %c3
    sgl.yield %m1, %ans : !sgl.str
    ```
  }];
  let arguments = (ins SGL_CtxType:$ctx, Variadic<SGL_StrType>:$values);
  let assemblyFormat = "$ctx (`,` $values^ `:` type($values))? attr-dict";
  let hasVerifier = 1;
  let builders = [
    OpBuilder<(ins "::mlir::Value":$ctx), [{
      build($_builder, $_state, ctx, ::mlir::ValueRange());
    }]>
  ];
}

#endif // SGL_OPS_TD
