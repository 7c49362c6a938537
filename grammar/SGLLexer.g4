// SGLLexer.g4 - tokens of the .sgl language (see SGL.g4 for the parser).
//
// Strings are lexed in their own mode so `{name}` interpolation is visible to
// the parser: `"` pushes STR, `{` inside a string pushes INTERP, and `}` there
// pops back. Outside strings `{`/`}` are block braces and never pop, so a stray
// `}` is a plain syntax error rather than an empty-mode-stack abort.
lexer grammar SGLLexer;


PROGRAM   : 'program' ;
GEN       : 'gen' ;
SELECT    : 'select' ;
FROM      : 'from' ;
SYSTEM    : 'system' ;
USER      : 'user' ;
ASSISTANT : 'assistant' ;
IF        : 'if' ;
ELSE      : 'else' ;
FOR       : 'for' ;
IN        : 'in' ;
BREAK     : 'break' ;
FORK      : 'fork' ;
AS        : 'as' ;
IMPORT    : 'import' ;
CALL      : 'call' ;
TYPE      : 'type' ;
AND       : 'and' ;
OR        : 'or' ;
NOT       : 'not' ;
TRUE      : 'true' ;
FALSE     : 'false' ;

LPAREN : '(' ;
RPAREN : ')' ;
LBRACE : '{' ;
RBRACE : '}' ;
LBRACK : '[' ;
RBRACK : ']' ;
COMMA  : ',' ;
COLON  : ':' ;
DOTDOT : '..' ;
DOT    : '.' ;
PLUS   : '+' ;
MINUS  : '-' ;
STAR   : '*' ;
SLASH  : '/' ;
PERCENT : '%' ;
EQ     : '==' ;
NE     : '!=' ;
LE     : '<=' ;
GE     : '>=' ;
LT     : '<' ;
GT     : '>' ;
ASSIGN : '=' ;
QUESTION : '?' ;
PIPE   : '|' ;

RAW_STRING : 'r"' ~["\r\n]* '"' ;
IDENT : [a-zA-Z_] [a-zA-Z_0-9]* ;
// A number with a fraction, an exponent or both: 0.5, 1e-3, 2.5E+4. A sign
// is the unary minus of the expression grammar, so `n-1` is a subtraction.
FLOAT : [0-9]+ ('.' [0-9]+ EXPONENT? | EXPONENT) ;
fragment EXPONENT : [eE] [+-]? [0-9]+ ;
INT   : [0-9]+ ;

STR_OPEN : '"' -> pushMode(STR) ;

LINE_COMMENT  : '//' ~[\r\n]* -> skip ;
BLOCK_COMMENT : '/*' .*? '*/' -> skip ;
// A `/*` with no `*/` after it runs to the end of the file. It is one token
// (shorter than BLOCK_COMMENT whenever a `*/` follows) so the parser reports
// the comment where it starts, and the lexer scans the rest of the file once
// instead of once per `/*` in it.
UNTERMINATED_BLOCK_COMMENT : '/*' (~'*' | '*'+ ~[*/])* '*'* ;
WS : [ \t\r\n]+ -> skip ;

// Anything else becomes one token the parser rejects with a located error.
UNKNOWN_CHAR : . ;

mode STR;
STR_CLOSE      : '"' -> popMode ;
STR_LBRACE_LIT : '{{' ;
STR_RBRACE_LIT : '}}' ;
INTERP_OPEN    : '{' -> pushMode(INTERP) ;
STR_ESCAPE     : '\\' ~[\r\n] ;
STR_LONE_BACKSLASH : '\\' ;
STR_TEXT       : ~["\\{}\r\n]+ ;
// A lone `}` must be written `}}`; the parser reports it where it stands.
STR_LONE_RBRACE : '}' ;
// A line break ends an unterminated string so the rest of the file still
// lexes normally and later errors stay meaningful.
STR_NEWLINE    : [\r\n] -> popMode ;

// An interpolation holds one expression: the default mode's expression
// tokens, retyped so the parser's `expr` rule reads both. It holds no
// string literal (a quote there means the `}` is missing) and ends at the
// `}`; a bracket or parenthesis inside it cannot swallow that `}`.
mode INTERP;
INTERP_CLOSE   : '}' -> popMode ;
I_AND     : 'and' -> type(AND) ;
I_OR      : 'or' -> type(OR) ;
I_NOT     : 'not' -> type(NOT) ;
I_IN      : 'in' -> type(IN) ;
I_TRUE    : 'true' -> type(TRUE) ;
I_FALSE   : 'false' -> type(FALSE) ;
I_IDENT   : [a-zA-Z_] [a-zA-Z_0-9]* -> type(IDENT) ;
I_FLOAT   : [0-9]+ ('.' [0-9]+ EXPONENT? | EXPONENT) -> type(FLOAT) ;
I_INT     : [0-9]+ -> type(INT) ;
I_LPAREN  : '(' -> type(LPAREN) ;
I_RPAREN  : ')' -> type(RPAREN) ;
I_LBRACK  : '[' -> type(LBRACK) ;
I_RBRACK  : ']' -> type(RBRACK) ;
I_COMMA   : ',' -> type(COMMA) ;
I_DOT     : '.' -> type(DOT) ;
I_PLUS    : '+' -> type(PLUS) ;
I_MINUS   : '-' -> type(MINUS) ;
I_STAR    : '*' -> type(STAR) ;
I_SLASH   : '/' -> type(SLASH) ;
I_PERCENT : '%' -> type(PERCENT) ;
I_EQ      : '==' -> type(EQ) ;
I_NE      : '!=' -> type(NE) ;
I_LE      : '<=' -> type(LE) ;
I_GE      : '>=' -> type(GE) ;
I_LT      : '<' -> type(LT) ;
I_GT      : '>' -> type(GT) ;
INTERP_WS : [ \t]+ -> skip ;
// A quote or line break inside `{...}` means the `}` is missing: resume
// lexing program text (the mode stack is left as is; DEFAULT never pops).
INTERP_UNCLOSED : ["\r\n] -> mode(DEFAULT_MODE) ;
INTERP_BAD     : . ;
