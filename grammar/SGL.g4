// SGL.g4 - grammar of the .sgl language.
//
// Strings are lexed in their own mode so that `{name}` interpolation is part
// of the token stream: `"` pushes STR, `{` inside a string pushes INTERP and
// `}` there pops back. Outside strings `{` and `}` are plain block braces and
// never touch the mode stack, so a stray `}` is a syntax error, not an abort.
// Lexer modes need a separate lexer grammar: SGLLexer.g4.
parser grammar SGL;

options { tokenVocab = SGLLexer; }

file : programDecl* EOF ;

programDecl : PROGRAM name=IDENT LPAREN paramList? RPAREN block ;

paramList : param (COMMA param)* COMMA? ;
param : name=IDENT COLON type=IDENT ;

block : LBRACE stmt* RBRACE ;

stmt
  : stringLit                                    # textStmt
  | IDENT                                        # refStmt
  | GEN name=IDENT (LPAREN optionList? RPAREN)?  # genStmt
  | SELECT name=IDENT FROM choiceList            # selectStmt
  | role=(SYSTEM | USER | ASSISTANT) block       # roleStmt
  ;

optionList : option (COMMA option)* COMMA? ;
option : name=IDENT COLON optionValue ;

optionValue
  : INT                                          # intValue
  | FLOAT                                        # floatValue
  | stringLit                                    # stringValue
  | LBRACK (stringLit (COMMA stringLit)* COMMA?)? RBRACK  # listValue
  ;

choiceList : LBRACK (stringLit (COMMA stringLit)* COMMA?)? RBRACK ;

stringLit
  : STR_OPEN strPart* STR_CLOSE                  # quotedString
  | RAW_STRING                                   # rawString
  ;

strPart
  : STR_TEXT                                     # strText
  | STR_ESCAPE                                   # strEscape
  | STR_LBRACE_LIT                               # strLBrace
  | STR_RBRACE_LIT                               # strRBrace
  | INTERP_OPEN IDENT_I INTERP_CLOSE             # strInterp
  ;
