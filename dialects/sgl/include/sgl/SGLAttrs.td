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

def SGL_BinaryAdd : I32EnumAttrCase<"Add", 0, "add">;
def SGL_BinarySub : I32EnumAttrCase<"Sub", 1, "sub">;
def SGL_BinaryMul : I32EnumAttrCase<"Mul", 2, "mul">;
def SGL_BinaryDiv : I32EnumAttrCase<"Div", 3, "div">;
def SGL_BinaryMod : I32EnumAttrCase<"Mod", 4, "mod">;
def SGL_BinaryEq : I32EnumAttrCase<"Eq", 5, "eq">;
def SGL_BinaryNe : I32EnumAttrCase<"Ne", 6, "ne">;
def SGL_BinaryLt : I32EnumAttrCase<"Lt", 7, "lt">;
def SGL_BinaryLe : I32EnumAttrCase<"Le", 8, "le">;
def SGL_BinaryGt : I32EnumAttrCase<"Gt", 9, "gt">;
def SGL_BinaryGe : I32EnumAttrCase<"Ge", 10, "ge">;
def SGL_BinaryIn : I32EnumAttrCase<"In", 11, "in">;
def SGL_BinaryAnd : I32EnumAttrCase<"And", 12, "and">;
def SGL_BinaryOr : I32EnumAttrCase<"Or", 13, "or">;

def SGL_BinaryKindAttr : I32EnumAttr<"BinaryKind",
    "binary operator: arithmetic, comparison, membership or logic",
    [SGL_BinaryAdd, SGL_BinarySub, SGL_BinaryMul, SGL_BinaryDiv, SGL_BinaryMod,
     SGL_BinaryEq, SGL_BinaryNe, SGL_BinaryLt, SGL_BinaryLe, SGL_BinaryGt,
     SGL_BinaryGe, SGL_BinaryIn, SGL_BinaryAnd, SGL_BinaryOr]> {
  let cppNamespace = "::sgl::dialect";
}

def SGL_SelectNormalized : I32EnumAttrCase<"Normalized", 0, "normalized">;
def SGL_SelectGreedy : I32EnumAttrCase<"Greedy", 1, "greedy">;
def SGL_SelectUnconditional : I32EnumAttrCase<"Unconditional", 2, "unconditional">;

def SGL_SelectMethodAttr : I32EnumAttr<"SelectMethod",
    "how a select scores its choices: normalized, greedy or unconditional",
    [SGL_SelectNormalized, SGL_SelectGreedy, SGL_SelectUnconditional]> {
  let cppNamespace = "::sgl::dialect";
}

#endif // SGL_ATTRS_TD
