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
    %q = sgl.arg "question"
    ```
  }];
}

#endif // SGL_TYPES_TD
