//===- SGLPasses.td - Passes over the sgl dialect ----------*- tablegen -*-===//
#ifndef SGL_PASSES_TD
#define SGL_PASSES_TD

include "mlir/Pass/PassBase.td"

def SGLFoldText : Pass<"sgl-fold-text", "::mlir::ModuleOp"> {
  let summary = "Merge adjacent constant text and drop empty text";
  let description = [{
    Applies the `sgl.text` canonicalization patterns on their own, so they
    can be tested and run without the rest of `-canonicalize`:

    * `sgl.text(sgl.text(%c, "a"), "b")` becomes `sgl.text(%c, "ab")` when
      the inner op has no other use; the merged op's location is a
      `FusedLoc` of both, so the plan still points at the first piece.
    * `sgl.text %c ""` is replaced by `%c`.

    Text never merges across an `sgl.role` boundary, an `sgl.append`, or a
    generation, since those change what the runtime sees between pieces.

    ```mlir
    // Before
    %c1 = sgl.text %c0 "Hello, "
    %c2 = sgl.text %c1 "world"
    // After
    %c1 = sgl.text %c0 "Hello, world"
    ```
  }];
}

#endif // SGL_PASSES_TD
