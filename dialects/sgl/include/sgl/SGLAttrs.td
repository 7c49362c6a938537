//===- SGLAttrs.td - Attributes of the sgl dialect ---------*- tablegen -*-===//
#ifndef SGL_ATTRS_TD
#define SGL_ATTRS_TD

include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"
include "sgl/SGLDialect.td"

def SGL_RoleSystem : I32EnumAttrCase<"System", 0, "system">;
def SGL_RoleUser : I32EnumAttrCase<"User", 1, "user">;
def SGL_RoleAssistant : I32EnumAttrCase<"Assistant", 2, "assistant">;

// A specialized I32 enum attribute: inside an op's assembly format it is
// printed and parsed as a bare keyword, `sgl.role user %c0 ...`.
def SGL_RoleAttr : I32EnumAttr<"Role", "chat role: system, user or assistant",
    [SGL_RoleSystem, SGL_RoleUser, SGL_RoleAssistant]> {
  let cppNamespace = "::sgl::dialect";
}

#endif // SGL_ATTRS_TD
