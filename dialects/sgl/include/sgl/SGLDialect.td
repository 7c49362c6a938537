//===- SGLDialect.td - The sgl dialect ---------------------*- tablegen -*-===//
//
// The sgl dialect models a prompt program: text appended to a context,
// chat roles, generations and selections whose results are captured.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_DIALECT_TD
#define SGL_DIALECT_TD

include "mlir/IR/OpBase.td"

def SGL_Dialect : Dialect {
  let name = "sgl";
  let summary = "Prompt programs: text, chat roles, generation and capture";
  let description = [{
    The `sgl` dialect is what `sglc` lowers a `.sgl` program to. A program
    is a straight sequence of operations on a *prompt context*
    (`!sgl.ctx`): every op that adds to the prompt takes the current context
    and returns the next one, so the order of the prompt is in the SSA graph
    and rewrites that merge, hoist or share text stay sound.

    Strings (`!sgl.str`) are the program's arguments and the results of
    `sgl.gen` / `sgl.select`; `sgl.capture` names the strings that form the
    program's output.

    ```mlir
    sgl.program @greet args ["name"] {
    ^bb0(%c0: !sgl.ctx):
      %name = sgl.arg "name"
      %c1 = sgl.text %c0 "Say hello to "
      %c2 = sgl.append %c1, %name
      %c3, %reply = sgl.gen %c2 {max_tokens = 16 : i64}
      sgl.capture "reply", %reply
      sgl.yield %c3
    }
    ```

    The result is translated (not lowered by a pass) into a plan, the
    FlatBuffers contract read by `sglrun`.
  }];
  let cppNamespace = "::sgl::dialect";
  let useDefaultTypePrinterParser = 1;
  let extraClassDeclaration = [{
  private:
    void registerTypes();
  public:
  }];
}

/// Base class of every sgl op.
class SGL_Op<string mnemonic, list<Trait> traits = []>
    : Op<SGL_Dialect, mnemonic, traits>;

#endif // SGL_DIALECT_TD
