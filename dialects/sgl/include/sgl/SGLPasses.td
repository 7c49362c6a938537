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
      the inner op has no other use. A whole chain of such ops is merged in
      one rewrite (one concatenation), so folding is linear in the number
      of pieces. The merged op's location is a `FusedLoc` of the pieces'
      locations, first piece first (so the plan still points at where the
      text starts), keeping at most the first eight distinct ones.
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
