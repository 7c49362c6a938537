//===- SGLTypes.td - Types of the sgl dialect --------------*- tablegen -*-===//
#ifndef SGL_TYPES_TD
#define SGL_TYPES_TD

include "mlir/IR/AttrTypeBase.td"
include "sgl/SGLDialect.td"

class SGL_Type<string name, string typeMnemonic, list<Trait> traits = []>
    : TypeDef<SGL_Dialect, name, traits> {
  let mnemonic = typeMnemonic;
}

def SGL_CtxType : SGL_Type<"Ctx", "ctx"> {
  let summary = "the prompt context";
  let description = [{
    The prompt built so far. Ops that add to the prompt consume one context
    and produce the next; a program's entry block receives the empty
    context and its terminator yields the final one.

    ```mlir
    %c1 = sgl.text %c0 "Hello"
    ```
  }];
}

def SGL_StrType : SGL_Type<"Str", "str"> {
  let summary = "a string value";
  let description = [{
    A string known only when the program runs: a program argument or the
    result of `sgl.gen` / `sgl.select`.

    ```mlir
    %q = sgl.arg "question" : !sgl.str
    ```
  }];
}

def SGL_IntType : SGL_Type<"Int", "int"> {
  let summary = "a 64-bit signed integer";
  let description = [{
    An `int` argument, a range loop's variable, or integer arithmetic.

    ```mlir
    %n = sgl.arg "n" : !sgl.int
    ```
  }];
}

def SGL_NumberType : SGL_Type<"Number", "number"> {
  let summary = "a double-precision number";
  let description = [{
    A `number` argument or arithmetic with one.

    ```mlir
    %t = sgl.const 0.5 -> !sgl.number
    ```
  }];
}

def SGL_BoolType : SGL_Type<"Bool", "bool"> {
  let summary = "true or false";
  let description = [{
    A `bool` argument, a comparison, or `and`/`or`/`not` of bools; what
    `sgl.if` tests.

    ```mlir
    %b = sgl.binary eq %tool, %calc : !sgl.str, !sgl.str -> !sgl.bool
    ```
  }];
}

def SGL_JsonType : SGL_Type<"Json", "json"> {
  let summary = "a JSON value a json_schema gen wrote";
  let description = [{
    The result of a `sgl.gen` constrained by `json_schema`: any JSON value.
    Its fields and items are JSON values too; appended to the context it
    is the text the model wrote.

    ```mlir
    %c1, %j = sgl.gen %c0 {json_schema = "{\"type\": \"object\"}"} : !sgl.json
    ```
  }];
}

def SGL_ListType : SGL_Type<"List", "list"> {
  let summary = "a list of values of one type";
  let description = [{
    A `[str]` argument, a list literal, or the values a capture took in
    every iteration of a loop (`sgl.collected`).

    ```mlir
    %l = sgl.list %a, %b : !sgl.str, !sgl.str -> !sgl.list<!sgl.str>
    ```
  }];
  let parameters = (ins "::mlir::Type":$element);
  let assemblyFormat = "`<` $element `>`";
  let genVerifyDecl = 1;
}

/// Any run-time value an expression can have (the element of a list is one
/// too: ListType::verify).
def SGL_AnyValue : AnyTypeOf<[SGL_StrType, SGL_IntType, SGL_NumberType,
                              SGL_BoolType, SGL_JsonType, SGL_ListType]>;

#endif // SGL_TYPES_TD
