// SGL.g4 - grammar of the .sgl language.
//
// Strings are lexed in their own mode so that `{name}` interpolation is part
// of the token stream: `"` pushes STR, `{` inside a string pushes INTERP and
// `}` there pops back. Outside strings `{` and `}` are plain block braces and
// never touch the mode stack, so a stray `}` is a syntax error, not an abort.
// Lexer modes need a separate lexer grammar: SGLLexer.g4.
parser grammar SGL;

options { tokenVocab = SGLLexer; }

file : (importDecl | programDecl | typeDecl)* EOF ;

// `import "lib.sgl"`: the programs and types of another file, its path
// relative to this one.
importDecl : IMPORT path=stringLit ;

// `type Name { field: T, optional?: T }`: a record type for typed gens.
typeDecl : TYPE name=IDENT LBRACE typeFieldList? RBRACE ;
typeFieldList : typeField (COMMA typeField)* COMMA? ;
typeField : name=IDENT optional=QUESTION? COLON genType ;

// The type of a typed gen: a union of string literals, or one atom. An
// atom's options bound it: `str(max_len: 40)`, `int(min: 0)`, `[T](max_len: 3)`.
genType : typeAtom (PIPE typeAtom)* ;
typeAtom
  : name=IDENT (LPAREN optionList? RPAREN)?      # namedTypeAtom
  | stringLit                                    # literalTypeAtom
  | LBRACK genType RBRACK (LPAREN optionList? RPAREN)?  # listTypeAtom
  | LBRACE typeFieldList? RBRACE                     # recordTypeAtom
  ;

programDecl : PROGRAM name=IDENT LPAREN paramList? RPAREN block ;

paramList : param (COMMA param)* COMMA? ;
param : name=IDENT COLON typeExpr (ASSIGN defaultValue=expr)? ;

// Argument types: `str`, `int`, `number`, `bool` and lists `[T]`.
typeExpr
  : name=IDENT                                   # namedType
  | LBRACK typeExpr RBRACK                       # listType
  ;

block : LBRACE stmt* RBRACE ;

stmt
  : stringLit                                    # textStmt
  | valueRef                                     # appendStmt
  | GEN name=IDENT (COLON genType)? (LPAREN optionList? RPAREN)?  # genStmt
  | SELECT name=IDENT FROM choiceList (LPAREN optionList? RPAREN)?  # selectStmt
  | role=(SYSTEM | USER | ASSISTANT) block       # roleStmt
  | IF expr block (ELSE IF expr block)* (ELSE elseBlock=block)?  # ifStmt
  | FOR var=IDENT IN expr (DOTDOT end=expr)? block  # forStmt
  | BREAK                                        # breakStmt
  | FORK name=IDENT LBRACK count=expr RBRACK (AS var=IDENT)? block  # forkStmt
  | CALL name=IDENT ASSIGN callee=IDENT LPAREN callArgList? RPAREN  # callStmt
  ;

// Arguments of a call: by position, then by name (`f(q, n: 3)`).
callArgList : callArg (COMMA callArg)* COMMA? ;
callArg : (name=IDENT COLON)? expr ;

optionList : option (COMMA option)* COMMA? ;
option : name=IDENT COLON optionValue ;

optionValue
  : MINUS? INT                                   # intValue
  | MINUS? FLOAT                                 # floatValue
  | stringLit                                    # stringValue
  | LBRACK (stringLit (COMMA stringLit)* COMMA?)? RBRACK  # listValue
  | IDENT                                        # nameValue
  ;

choiceList : LBRACK (stringLit (COMMA stringLit)* COMMA?)? RBRACK ;

// Expressions. In ANTLR's left-recursive rules an earlier alternative binds
// tighter, so these read from the tightest: comparisons (which do not chain)
// and `in`, then `not`, `and`, `or`; `-x`, then `* / %`, then `+ -`; then
// field access and indexing.
expr
  : left=additive op=(EQ | NE | LT | LE | GT | GE) right=additive  # compareExpr
  | left=additive IN right=additive              # inExpr
  | additive                                     # plainExpr
  | NOT expr                                     # notExpr
  | left=expr AND right=expr                     # andExpr
  | left=expr OR right=expr                      # orExpr
  ;

additive
  : MINUS additive                               # negExpr
  | left=additive op=(STAR | SLASH | PERCENT) right=additive  # mulExpr
  | left=additive op=(PLUS | MINUS) right=additive  # addExpr
  | postfixExpr                                  # postfixOperand
  ;

postfixExpr
  : primary                                      # primaryExpr
  | postfixExpr DOT field=IDENT                  # fieldExpr
  | postfixExpr LBRACK index=expr RBRACK         # indexExpr
  ;

primary
  : name=IDENT                                   # nameExpr
  | callee=IDENT LPAREN (expr (COMMA expr)* COMMA?)? RPAREN  # callExpr
  | INT                                          # intLiteral
  | FLOAT                                        # floatLiteral
  | stringLit                                    # stringExpr
  | value=(TRUE | FALSE)                         # boolLiteral
  | LBRACK (expr (COMMA expr)* COMMA?)? RBRACK   # listExpr
  | LPAREN expr RPAREN                           # parenExpr
  ;

// A value appended by a statement of its own: a name, then fields and
// indices (`q`, `steps[2].answer`).
valueRef : IDENT (DOT IDENT | LBRACK expr RBRACK)* ;

stringLit
  : STR_OPEN strPart* STR_CLOSE                  # quotedString
  | RAW_STRING                                   # rawString
  ;

strPart
  : STR_TEXT                                     # strText
  | STR_ESCAPE                                   # strEscape
  | STR_LBRACE_LIT                               # strLBrace
  | STR_RBRACE_LIT                               # strRBrace
  | INTERP_OPEN expr INTERP_CLOSE                # strInterp
  ;
