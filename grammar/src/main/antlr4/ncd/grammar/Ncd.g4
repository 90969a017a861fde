/*
 * The grammar of ncd. No actions: the frontend builds its AST from the parse tree.
 *
 * Axis-parameterised builtins share one form, NAME[args](inputs) — sum[A](x), roll[col, 1](x),
 * window[row by 3 -> dr, wrap](x), split[pix -> (h, w)](x) — so that a new axis operation is a
 * checker rule, not a grammar change. docs/language.md documents every construct.
 */
grammar Ncd;

file        : moduleDecl? importDecl* topDecl* EOF ;

moduleDecl  : 'module' qualifiedName ';'? ;
importDecl  : 'import' qualifiedName ('.' '{' ID (',' ID)* '}')? ';'? ;
qualifiedName : pathStart ('.' pathSegment)* ;
// A module path is names, but a keyword or dtype in it parses, so that the frontend can say why it cannot be there
// (`import does.not.exist`) instead of the parser guessing at `.{`. The first segment leaves out the keywords that
// begin a declaration: after a bare `import` they start the next declaration. A new keyword belongs in one list
// (ModulePathKeywordTest tries them all).
pathStart   : ID | DTYPE | 'after' | 'and' | 'by' | 'false' | 'for' | 'in' | 'let' | 'next' | 'not' | 'on' | 'or' | 'param'
            | 'return' | 'scan' | 'state' | 'true' | 'until' | 'within' | 'yield' ;
pathSegment : pathStart | 'axis' | 'circuit' | 'const' | 'expect' | 'import' | 'law' | 'module' | 'train' | 'unit' ;

topDecl     : axisDecl | unitDecl | constDecl | circuitDecl | lawDecl | trainDecl ;

// axis d_model = 64, heads = 4      axis seq   (sized later: at the call site or by the driver)
axisDecl    : 'axis' axisDef (',' axisDef)* ';'? ;
// axis exc = 3200 excitatory: a population whose outgoing weights the compiler proves >= 0 (Dale's law); the sign
// word is a name, not a keyword (`inhibitory` names tensors in the stdlib), and the frontend checks it
axisDef     : ID ('=' NUMBER)? sign=ID? ;

// unit s                (a base dimension)      unit mV = 1e-3 V      unit ohm = V / A
unitDecl    : 'unit' ID ('=' NUMBER? unitExpr)? ';'? ;
unitExpr    : unitFactor (unitOp+=('*' | '/') unitFactor)* ;
unitFactor  : ID ('^' sign='-'? NUMBER)?
            | '(' unitExpr ')'
            ;

constDecl   : 'const' constDef (',' constDef)* ';'? ;
constDef    : ID (':' type)? '=' expr ;

circuitDecl : 'circuit' ID genericParams? '(' paramList? ')' '->' outputs block     # circuitBody
            | 'circuit' ID genericParams? '=' comp ';'?                           # circuitComposed
            ;
genericParams : '<' ID (',' ID)* '>' ;
paramList   : param (',' param)* ;
param       : ID ':' type ;
outputs     : type                                   # singleOutput
            | '(' output (',' output)* ')'           # tupleOutput
            ;
output      : (ID ':')? type ;
type        : DTYPE ('[' (ID (',' ID)*)? ']')? ('in' unitExpr)? ;

// f >> g in sequence, f || g in parallel (|| binds tighter)
comp        : comp '||' comp                         # parComp
            | comp '>>' comp                         # seqComp
            | '(' comp ')'                           # parenComp
            | ID genericArgs?                        # refComp
            ;

// law normalizes<A>(x: f32[A]): sum[A](softmax<A>(x)) == 1 within 1e-6
// expect glides after 4 steps: Glider() == roll[row, 1](roll[col, 1](glider))
lawDecl     : kind=('law' | 'expect') ID genericParams? ('(' paramList? ')')? ('after' count=NUMBER word=ID)? ':' expr ('within' tol=NUMBER)? ';'? ;

// train Fit = Objective { optimizer = adam, lr = 3e-4, batch = 64, freeze = [net.l1.W, net.l1.b] }
trainDecl   : 'train' ID '=' ID '{' (setting (',' | ';')?)* '}' ';'? ;
setting     : ID '=' settingValue ;
settingValue : sign='-'? NUMBER                      # numberSetting
             | ID ('.' ID)*                          # pathSetting
             | '[' (ID ('.' ID)* (',' ID ('.' ID)*)*)? ']'   # listSetting
             ;

block       : '{' stmt* '}' ;
stmt        : 'let' ID (':' type)? '=' expr ';'?                                  # letStmt
            | 'let' '(' ID (',' ID)+ ')' '=' expr ';'?                            # letTupleStmt
            | 'param' ID (',' ID)* ':' type bound? init ';'?                      # paramStmt
            | constDecl                                                           # constStmt
            | 'state' ID ':' type '=' expr ';'?                                   # stateStmt
            | 'next' ID '=' expr ';'?                                             # nextStmt
            | 'return' expr ';'?                                                  # returnStmt
            | 'yield' expr ';'?                                                   # yieldStmt      // inside a scan
            | 'until' expr ';'?                                                   # untilStmt      // inside a scan
            | equation                                                            # equationStmt
            | event                                                               # eventStmt
            | jump                                                                # jumpStmt
            ;
// Dynamics (docs/language.md, "Equations and events"): the compiler chooses the integrator unless `: method` names one.
equation    : d=ID '/' dt=ID '=' expr (':' method=ID)? ';'? ;                   // dv/dt = (v_rest - v) / tau
event       : 'on' ID '=' expr ':' eventAction (',' eventAction)* ';'? ;       // on spike = v > v_th: v = v_reset, refractory 2 ms
eventAction : ID '=' expr                                # resetAction
            | ID expr                                    # refractoryAction
            ;
jump        : ID '+=' expr ';'? ;                                                // ge += we * f32(spike)
bound       : op=('>=' | '<=') expr ;
init        : '~' ID ('(' args? ')')?                # randomInit
            | '=' expr                               # exprInit
            ;

expr        : expr postfix                                               # postfixExpr
            | <assoc=right> expr '^' expr                                # powExpr
            | op=('-' | 'not') expr                                      # unaryExpr
            | expr '@' '[' (ID (',' ID)*)? ']' expr                      # contractExpr
            | expr op=('*' | '/' | '%') expr                             # mulExpr
            | expr op=('+' | '-') expr                                   # addExpr
            | expr op=('==' | '!=' | '<' | '<=' | '>' | '>=') expr       # cmpExpr
            | expr 'and' expr                                            # andExpr
            | expr 'or' expr                                             # orExpr
            | primary                                                    # primaryExpr
            ;

postfix     : '{' ID '->' ID (',' ID '->' ID)* '}'    # renamePost     // x{seq -> key}
            | '[' ID ']'                              # indexVarPost   // x[n], inside `for n in ...`
            | '[' ID '=' expr ']'                     # selectPost     // x[seq = 0]
            ;

primary     : NUMBER ID?                                          # numberLit      // 20 ms
            | ('true' | 'false')                                  # boolLit
            | DTYPE '(' expr ')'                                  # castExpr       // f32(x)
            | ID genericArgs? '(' args? ')'                       # callExpr       // f<A>(x), exp(x)
            | ID '[' opArg (',' opArg)* ']' '(' args? ')'         # axisOpExpr     // sum[A](x)
            | ID genericArgs                                      # instExpr       // EncoderBlock<seq, d> as an instance
            | ID                                                  # nameExpr
            | '(' expr ')'                                        # parenExpr
            | '(' expr (',' expr)+ ')'                            # tupleExpr
            | 'for' ID 'in' ID block                              # forExpr
            | scan                                                # scanExpr
            ;

// scan t in time (h = h0, c = c0) { ...; next h = ...; yield y }      scan for 50 (s = s0) { ...; until done }
scan        : 'scan' (ID 'in' ID | 'for' NUMBER) '(' (scanCarry (',' scanCarry)*)? ')' block ;
scanCarry   : ID (':' type)? '=' expr ;

genericArgs : '<' genericArg (',' genericArg)* '>' ;
genericArg  : (ID '=')? ID ;
args        : expr (',' expr)* ;

opArg       : ID 'by' NUMBER ('->' ID)?                           # byArg       // h by 3 -> kh
            | ID '->' '(' ID (',' ID)* ')'                        # splitArg    // pix -> (h, w)
            | '(' ID (',' ID)* ')' '->' ID                        # mergeArg    // (h, w) -> pix
            | ID '->' ID                                          # mapArg      // h -> h2
            | ID ':' sign1='-'? NUMBER '..' sign2='-'? NUMBER ('->' ID)?   # rangeArg    // seq: 2..6 -> win
            | ID '=' STRING                                       # textArg     // pairs = "conn.npy"
            | ID '=' expr                                         # namedArg    // seed = 42
            | expr                                                # exprArg     // A, 1, wrap
            ;

DTYPE       : 'f32' | 'f64' | 'i32' | 'bool' | 'c64' ;
NUMBER      : DIGITS ('.' DIGITS)? ([eE] [+-]? DIGITS)? ;
fragment DIGITS : [0-9] ('_'? [0-9])* ;
ID          : [a-zA-Z_] [a-zA-Z_0-9]* ;
// A file name in an op argument (pairs = "conn.npy"): no escapes, on one line.
STRING      : '"' ~["\r\n]* '"' ;
LINE_COMMENT  : '//' ~[\r\n]* -> skip ;
BLOCK_COMMENT : '/*' .*? '*/' -> skip ;
WS          : [ \t\r\n]+ -> skip ;
// Anything else is one bad character: the frontend reports it as a syntax error with its position.
BAD_CHAR    : . ;
