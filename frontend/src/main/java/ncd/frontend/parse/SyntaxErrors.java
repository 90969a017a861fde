package ncd.frontend.parse;

import ncd.diag.DiagCode;
import ncd.diag.Diagnostics;
import ncd.diag.SourceFile;
import ncd.diag.SourceSpan;
import ncd.grammar.NcdLexer;
import ncd.grammar.NcdParser;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.InputMismatchException;
import org.antlr.v4.runtime.NoViableAltException;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.RuleContext;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.Vocabulary;
import org.antlr.v4.runtime.misc.IntervalSet;

/**
 * Replaces ANTLR's console listener: every syntax error becomes a diagnostic with our code, our wording (token
 * names as a user writes them, not ANTLR's {@code <EOF>} or {@code {'[', '('}}), and a hint where a common
 * mistake is recognisable. The parser's default strategy recovers, so one run reports every syntax error.
 */
final class SyntaxErrors extends BaseErrorListener {
    private final SourceFile file;
    private final Diagnostics diags;
    private int reported;
    /** The line of an import whose module path hit a keyword: the rest of it is that one mistake, not reported again. */
    private int keywordPathLine = -1;
    /**
     * The line of a keyword written as a name (`axis unit = 4`): the parser's recovery from it complains about the
     * rest of that line too, which is the same mistake; only another keyword written as a name there is reported.
     */
    private int keywordNameLine = -1;

    SyntaxErrors(SourceFile file, Diagnostics diags) {
        this.file = file;
        this.diags = diags;
    }

    int count() { return reported; }

    @Override
    public void syntaxError(Recognizer<?, ?> recognizer, Object offending, int line, int col, String antlrMsg, RecognitionException e) {
        reported++;
        if (offending instanceof Token t && t.getType() == NcdLexer.BAD_CHAR) {
            diags.error(span(t), DiagCode.E0102, "unexpected character " + quoteChar(t.getText()), t.getText().equals("\"")
                    ? "a quoted file name (pairs = \"conn.npy\") closes with a second `\"` on the same line"
                    : "ncd source uses letters, digits, `_` and the operators listed in docs/language.md");
            return;
        }
        if (!(offending instanceof Token t)) {
            // The lexer has no BAD_CHAR gap, so lexer errors do not occur; keep a position anyway.
            diags.error(new SourceSpan(file, 0, 0), DiagCode.E0101, antlrMsg);
            return;
        }
        Vocabulary voc = recognizer.getVocabulary();
        String found = describe(t, voc);
        String message;
        String hint = null;
        IntervalSet expected = null;
        if (e != null && e.getExpectedTokens() != null) expected = e.getExpectedTokens();
        else if (recognizer instanceof org.antlr.v4.runtime.Parser p) expected = p.getExpectedTokens();
        if (e instanceof NoViableAltException) {
            message = "unexpected " + found;
        } else if (expected != null && !expected.isNil() && !(e instanceof InputMismatchException && expected.size() > 8)) {
            message = "expected " + expectedText(expected, voc) + ", found " + found;
        } else {
            message = "unexpected " + found;
        }
        boolean keyword = t.getType() != Token.EOF && t.getText().matches("[a-z]+") && voc.getLiteralName(t.getType()) != null;
        boolean dtype = t.getType() == NcdLexer.DTYPE;
        String decl = pathStartOf(recognizer, e, t);
        if (t.getLine() == keywordPathLine || t.getType() == Token.EOF && keywordPathLine >= 0 && lineBefore(recognizer, t) == keywordPathLine) return;
        if (keywordPathLine >= 0 && lineBefore(recognizer, t) == keywordPathLine && t.getCharPositionInLine() == 0) {
            // the declaration the keyword began (`import train.x` read on as `train x ...`) ends where the next line
            // begins one: the parser resynchronises there, and its complaint is the same mistake again
            keywordPathLine = -1;
            return;
        }
        if (decl != null && (keyword || dtype) && ".".equals(next(recognizer, t))) {
            // `import circuit.x`: the grammar leaves declaration keywords out of a path's first segment
            keywordPathLine = t.getLine();
            String[] why = reservedInModulePath(t);
            message = why[0];
            hint = why[1];
        } else if (decl != null) {
            message = "expected a module path after `" + decl + "`, found " + found;
            hint = "a module path is names joined by `.`: `" + decl + " std.nn` (module a.b lives in a/b.ncd)";
        } else if (keyword && expected != null && expected.contains(tokenType(voc, null))) {
            message = "`" + t.getText() + "` is a keyword and cannot be used as a name";
            hint = "choose another name, e.g. " + t.getText() + "_";
            keywordNameLine = t.getLine();
        } else if (t.getLine() == keywordNameLine) {
            return;
        } else if (t.getType() == Token.EOF) hint = "the file ends in the middle of a construct; is a `}` or `)` missing?";
        else if (t.getText().equals("=")) hint = "compare with `==`; `=` only binds names (let x = ..., next v = ..., const c = ...)";
        else if (t.getText().equals(":") ) hint = "a type annotation goes after a name: `let x: f32[N] = ...`";
        else if (t.getText().equals("[")) hint = "index an axis by name: `x[seq = 0]`, or use an axis operation like `sum[A](x)`";
        SourceSpan where = t.getType() == Token.EOF ? eofSpan() : span(t);
        diags.error(where, DiagCode.E0101, message, hint);
    }

    /** The message and hint for a keyword or dtype {@code t} written as a segment of a module path. */
    static String[] reservedInModulePath(Token t) {
        String w = t.getText();
        return new String[] {
            "`" + w + "` is " + (t.getType() == NcdLexer.DTYPE ? "a dtype name" : "a keyword") + " and cannot be a module path segment",
            "each segment of a module path is a name, as module a.b lives in a/b.ncd: rename the file or folder `" + w
                    + "` (e.g. to `" + w + "_`) and use that name in the path"};
    }

    /**
     * {@code import} or {@code module} when {@code t} stands where the first segment of that declaration's module
     * path goes (right after the keyword), else null.
     */
    private static String pathStartOf(Recognizer<?, ?> recognizer, RecognitionException e, Token t) {
        if (!(recognizer instanceof org.antlr.v4.runtime.Parser p) || t.getTokenIndex() < 1) return null;
        boolean inDecl = false;
        for (RuleContext c = e != null && e.getCtx() != null ? e.getCtx() : p.getContext(); c != null; c = c.parent) {
            if (c instanceof NcdParser.ImportDeclContext || c instanceof NcdParser.ModuleDeclContext) inDecl = true;
        }
        if (!inDecl) return null;
        String before = p.getVocabulary().getLiteralName(p.getTokenStream().get(t.getTokenIndex() - 1).getType());
        if ("'import'".equals(before)) return "import";
        if ("'module'".equals(before)) return "module";
        return null;
    }

    /** The line of the token before {@code t}, or -1. */
    private static int lineBefore(Recognizer<?, ?> recognizer, Token t) {
        if (!(recognizer instanceof org.antlr.v4.runtime.Parser p) || t.getTokenIndex() < 1) return -1;
        return p.getTokenStream().get(t.getTokenIndex() - 1).getLine();
    }

    /** The text of the token after {@code t}, or null at the end. */
    private static String next(Recognizer<?, ?> recognizer, Token t) {
        if (!(recognizer instanceof org.antlr.v4.runtime.Parser p) || t.getType() == Token.EOF) return null;
        return p.getTokenStream().get(t.getTokenIndex() + 1).getText();
    }

    private SourceSpan eofSpan() {
        String text = file.text();
        // point at the last visible character, so the caret sits on a real line; spans count code points
        int p = text.length();
        while (p > 0 && Character.isWhitespace(text.charAt(p - 1))) p--;
        int cp = text.codePointCount(0, p);
        return new SourceSpan(file, Math.max(0, cp - 1), Math.max(0, cp));
    }

    private SourceSpan span(Token t) {
        int start = Math.max(0, t.getStartIndex());
        int stop = Math.max(start, t.getStopIndex() + 1);
        return new SourceSpan(file, start, stop);
    }

    /** The token type with this literal name (e.g. "'=='"), or with null: the type of names (ID). */
    private static int tokenType(Vocabulary v, String literal) {
        for (int i = 0; i <= v.getMaxTokenType(); i++) {
            if (literal == null ? "ID".equals(v.getSymbolicName(i)) : literal.equals(v.getLiteralName(i))) return i;
        }
        return -1;
    }

    static String describe(Token t, Vocabulary v) {
        if (t.getType() == Token.EOF) return "end of file";
        String sym = v.getSymbolicName(t.getType());
        if ("ID".equals(sym)) return "name `" + t.getText() + "`";
        if ("NUMBER".equals(sym)) return "number `" + t.getText() + "`";
        return "`" + t.getText() + "`";
    }

    static String expectedText(IntervalSet set, Vocabulary v) {
        java.util.List<String> names = new java.util.ArrayList<>();
        for (int type : set.toList()) {
            if (type == Token.EOF) { names.add("end of file"); continue; }
            String lit = v.getLiteralName(type);
            if (lit != null) { names.add("`" + lit.substring(1, lit.length() - 1) + "`"); continue; }
            String sym = v.getSymbolicName(type);
            if ("ID".equals(sym)) names.add("a name");
            else if ("NUMBER".equals(sym)) names.add("a number");
            else if ("DTYPE".equals(sym)) names.add("a dtype (f32, f64, i32, bool)");
            else if (sym != null && !sym.equals("BAD_CHAR")) names.add(sym.toLowerCase());
        }
        if (names.size() == 1) return names.get(0);
        if (names.size() <= 6) return "one of " + String.join(", ", names);
        return String.join(", ", names.subList(0, 6)) + ", ...";
    }

    private static String quoteChar(String s) {
        if (s.isEmpty()) return "''";
        int c = s.codePointAt(0);
        if (c < 0x20 || c == 0x7f) return String.format("U+%04X", c);
        return "'" + s + "'";
    }
}
