package ncd.frontend.parse;

import ncd.diag.Diagnostics;
import ncd.diag.SourceFile;
import ncd.grammar.Gaps;
import ncd.grammar.NcdLexer;
import ncd.grammar.NcdParser;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.tree.ParseTree;
import org.antlr.v4.runtime.tree.TerminalNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code ncdc fmt}'s one canonical layout. It changes whitespace only: the tokens and the comments come out as they
 * went in, in the same order (so the program is the same program; FormatterTest compares tokens and IR), and the
 * line breaks between tokens are the author's (at most one blank line in a row). What it decides:
 *
 * <ul>
 *   <li>indentation: two spaces per enclosing block ({@code { }} of a circuit, a {@code for}, a {@code train}); a
 *       line that continues a declaration or statement begun on an earlier line two more, and two more for each
 *       bracket still open at its start;</li>
 *   <li>spaces within a line: none in an equation's {@code dv/dt}, one before its {@code : method}; one around binary operators, {@code =}, {@code ->}, {@code ~} and after {@code ,},
 *       {@code :} and keywords; none inside brackets, around {@code .}, {@code ..} and {@code ^}, between a
 *       name and its {@code (}, {@code [} or generic {@code <...>}, after a unary minus, in a rename
 *       {@code x{a -> b}} or an import list {@code .{A, B}}; one inside a one-line {@code { ... }} block;</li>
 *   <li>comments: an own-line comment is indented like the code line that follows it; the trailing comments of
 *       consecutive lines start in one column, two spaces after the longest of those lines' code; a one-line
 *       {@code /* ... *}{@code /} between two tokens of one line stays there, one space either side; a blank line
 *       after the file's first comments is kept;</li>
 *   <li>no trailing spaces, no blank lines at the start or end, one newline at the end.</li>
 * </ul>
 *
 * The ANTLR lexer drops comments and whitespace, so comments are read from the text between consecutive tokens
 * ({@link Gaps}). The parse tree says what a token is where its text is ambiguous (a unary or binary
 * {@code -}, a generic or comparing {@code <}, a block or rename {@code {}).
 */
public final class Formatter {
    private Formatter() {}

    /** The opt-out line: {@code // ncdc fmt: off}, optionally followed by the reason. */
    public static final String OFF = "// ncdc fmt: off";

    /**
     * Whether the file opts out of formatting: one of the comment lines that open it (before its first code, blank
     * lines between them allowed) is {@link #OFF}, alone or followed by a space and a reason. For files whose layout
     * is what they are about, or that do not parse on purpose (the syntax-error tests); {@code ncdc fmt} leaves them
     * as they are and says so. Read from the text, so a file that does not parse can opt out.
     */
    public static boolean optedOut(String text) {
        for (String line : text.split("\n", -1)) {
            String l = line.strip();
            if (l.isEmpty()) continue;
            if (!l.startsWith("//")) return false;
            if (l.equals(OFF) || l.startsWith(OFF + " ")) return true;
        }
        return false;
    }

    /** The formatted text, or empty when the file has syntax errors (reported to {@code diags}). */
    public static Optional<String> format(SourceFile file, Diagnostics diags) {
        NcdLexer lexer = new NcdLexer(CharStreams.fromString(file.text(), file.path()));
        lexer.removeErrorListeners();
        CommonTokenStream stream = new CommonTokenStream(lexer);
        NcdParser parser = new NcdParser(stream);
        parser.removeErrorListeners();
        SyntaxErrors errors = new SyntaxErrors(file, diags);
        lexer.addErrorListener(errors);
        parser.addErrorListener(errors);
        NcdParser.FileContext tree = parser.file();
        if (errors.count() > 0) return Optional.empty();
        List<Token> tokens = new ArrayList<>();
        for (Token t : stream.getTokens()) if (t.getType() != Token.EOF && t.getChannel() == Token.DEFAULT_CHANNEL) tokens.add(t);
        return Optional.of(new Layout(file.text(), tokens, tree).text());
    }

    /** What the parse tree says about the tokens: the rule each belongs to, and which begin an item. */
    private static final class Roles {
        final Map<Integer, ParserRuleContext> parent = new HashMap<>();
        /** Token indices that begin a declaration, statement, import or setting: a line starting there is no continuation. */
        final Set<Integer> itemStarts = new HashSet<>();

        Roles(ParseTree tree) { walk(tree); }

        private void walk(ParseTree t) {
            if (t instanceof TerminalNode tn) {
                parent.put(tn.getSymbol().getTokenIndex(), (ParserRuleContext) tn.getParent());
                return;
            }
            if (t instanceof NcdParser.TopDeclContext || t instanceof NcdParser.StmtContext || t instanceof NcdParser.SettingContext
                    || t instanceof NcdParser.ModuleDeclContext || t instanceof NcdParser.ImportDeclContext) {
                Token start = ((ParserRuleContext) t).getStart();
                if (start != null) itemStarts.add(start.getTokenIndex());
            }
            for (int i = 0; i < t.getChildCount(); i++) walk(t.getChild(i));
        }

        ParserRuleContext of(Token t) { return parent.get(t.getTokenIndex()); }

        /** A {@code -} that negates (or signs a number) rather than subtracts. */
        boolean prefixMinus(Token t) {
            ParserRuleContext p = of(t);
            return t.getText().equals("-") && (p instanceof NcdParser.UnaryExprContext || p instanceof NcdParser.NumberSettingContext
                    || p instanceof NcdParser.RangeArgContext || p instanceof NcdParser.UnitFactorContext);
        }

        boolean prefixNot(Token t) { return t.getText().equals("not") && of(t) instanceof NcdParser.UnaryExprContext; }

        /** The angle brackets of generic parameters or arguments. */
        boolean genericAngle(Token t) {
            ParserRuleContext p = of(t);
            return (t.getText().equals("<") || t.getText().equals(">"))
                    && (p instanceof NcdParser.GenericParamsContext || p instanceof NcdParser.GenericArgsContext);
        }

        /** The parenthesis that opens a scan's carries: `scan t in time (h = h0)` is not a call of `time`. */
        boolean scanParen(Token t) {
            return t.getText().equals("(") && of(t) instanceof NcdParser.ScanContext;
        }

        /** Braces that hold statements or settings (not a rename or an import list). */
        boolean blockBrace(Token t) {
            ParserRuleContext p = of(t);
            return (t.getText().equals("{") || t.getText().equals("}"))
                    && (p instanceof NcdParser.BlockContext || p instanceof NcdParser.TrainDeclContext);
        }
    }

    /** One output line before trailing comments are aligned: indentation, code, and a trailing comment if any. */
    private record Line(String indent, String code, String comment) {
        Line withComment(String c) { return new Line(indent, code, c); }
    }

    private static final class Layout {
        private final String src;
        /** The UTF-16 index in {@code src} of each code-point offset (the lexer's token indices count code points). */
        private final int[] unit;
        private final List<Token> tokens;
        private final Roles roles;
        private final List<Line> lines = new ArrayList<>();
        private final StringBuilder code = new StringBuilder();
        private String indent = "";
        private int blockDepth;
        /** Brackets ( [ < and rename/import braces open at this point. */
        private int bracketDepth;
        /** The bracket depth where each open block began: brackets of the enclosing item do not indent its statements. */
        private final java.util.ArrayDeque<Integer> blockBase = new java.util.ArrayDeque<>();

        Layout(String src, List<Token> tokens, ParseTree tree) {
            this.src = src;
            this.unit = new int[src.codePointCount(0, src.length()) + 1];
            for (int cp = 0, u = 0; cp < unit.length; cp++) {
                unit[cp] = u;
                if (u < src.length()) u += Character.charCount(src.codePointAt(u));
            }
            this.tokens = tokens;
            this.roles = new Roles(tree);
        }

        String text() {
            for (int i = 0; i <= tokens.size(); i++) {
                // token indices count code points; the gap is cut from the UTF-16 text
                int from = i == 0 ? 0 : unit[tokens.get(i - 1).getStopIndex() + 1];
                int to = i == tokens.size() ? src.length() : unit[tokens.get(i).getStartIndex()];
                Token next = i < tokens.size() ? tokens.get(i) : null;
                boolean started = i > 0;
                // the gap before `next` holds whitespace and comments only: each comment with the line breaks before it
                int breaks = 0;
                boolean commented = false, inline = false;
                for (Gaps.Piece piece : Gaps.split(src, from, to)) {
                    if (piece.comment() && !commented && breaks == 0 && inline(piece, to, next)) {
                        code.append(' ').append(piece.of(src));   // a /* ... */ between two tokens of one line stays there
                        inline = true;
                    } else if (piece.comment()) {
                        comment(piece.of(src), breaks, started, commented, next);
                        commented = true;
                        breaks = 0;
                    } else {
                        for (int p = piece.start(); p < piece.end(); p++) if (src.charAt(p) == '\n') breaks++;
                    }
                }
                if (next == null) break;
                if (!started || commented || breaks > 0) {
                    if (code.length() > 0) endLine(null);
                    if ((started || commented) && breaks >= 2) addBlank();   // also a blank line after a header comment
                    indent = indentFor(next);
                } else if (inline || space(tokens.get(i - 1), next)) {
                    code.append(' ');
                }
                code.append(next.getText());
                track(next);
            }
            if (code.length() > 0) endLine(null);
            return render();
        }

        /**
         * Whether a comment stays inside its line: a one-line {@code /* ... *}{@code /} after code and before the next
         * token with only spaces between them.
         */
        private boolean inline(Gaps.Piece piece, int gapEnd, Token next) {
            String c = piece.of(src);
            return next != null && code.length() > 0 && c.startsWith("/*") && c.indexOf('\n') < 0
                    && src.substring(piece.end(), gapEnd).isBlank() && src.substring(piece.end(), gapEnd).indexOf('\n') < 0;
        }

        /** Places a comment met in a gap, after {@code breaks} line breaks (since the token or comment before it). */
        private void comment(String comment, int breaks, boolean afterCode, boolean afterComment, Token next) {
            if (breaks == 0 && afterCode && !afterComment && code.length() > 0) {
                endLine(comment);                   // a trailing comment
                return;
            }
            if (breaks == 0 && !lines.isEmpty() && (afterComment || code.length() == 0) && lines.get(lines.size() - 1).comment() != null) {
                Line last = lines.remove(lines.size() - 1);   // a second comment on the same line joins the first
                lines.add(last.withComment(last.comment() + " " + comment));
                return;
            }
            if (code.length() > 0) endLine(null);
            if (breaks >= 2) addBlank();
            boolean beforeClose = next != null && roles.blockBrace(next) && next.getText().equals("}");
            lines.add(new Line(beforeClose ? "  ".repeat(blockDepth) : indentFor(next), "", comment));   // inside the block it ends
        }

        private void track(Token t) {
            if (roles.blockBrace(t)) {
                if (t.getText().equals("{")) {
                    blockDepth++;
                    blockBase.push(bracketDepth);
                } else {
                    blockDepth--;
                    if (!blockBase.isEmpty()) blockBase.pop();
                }
            } else if (opens(t)) {
                bracketDepth++;
            } else if (closes(t)) {
                bracketDepth--;
            }
        }

        private boolean opens(Token t) {
            String x = t.getText();
            return x.equals("(") || x.equals("[") || x.equals("{") || x.equals("<") && roles.genericAngle(t);
        }

        private boolean closes(Token t) {
            String x = t.getText();
            return x.equals(")") || x.equals("]") || x.equals("}") || x.equals(">") && roles.genericAngle(t);
        }

        /**
         * Two spaces per block; a line that continues an item (a declaration, statement, import or setting) two more,
         * and two more per bracket left open before it since the item's block began.
         */
        private String indentFor(Token first) {
            if (first == null) return "";
            boolean closesBlock = roles.blockBrace(first) && first.getText().equals("}");
            int depth = Math.max(0, closesBlock ? blockDepth - 1 : blockDepth);
            if (closesBlock || roles.itemStarts.contains(first.getTokenIndex())) return "  ".repeat(depth);
            int open = bracketDepth - (blockBase.isEmpty() ? 0 : blockBase.peek()) - (closes(first) ? 1 : 0);
            return "  ".repeat(depth + 1 + Math.max(0, open));
        }

        private void endLine(String comment) {
            lines.add(new Line(indent, code.toString(), comment));
            code.setLength(0);
        }

        private void addBlank() {
            if (!lines.isEmpty() && !(lines.get(lines.size() - 1).code().isEmpty() && lines.get(lines.size() - 1).comment() == null)) {
                lines.add(new Line("", "", null));
            }
        }



        /** Whether one space separates {@code a} and {@code b} on one line. */
        private boolean space(Token a, Token b) {
            String x = a.getText(), y = b.getText();
            // an equation's dv/dt is one word; its `: method` is set off like Brian2's `: volt`
            boolean inEquation = roles.of(a) instanceof NcdParser.EquationContext;
            if (inEquation && (x.equals("/") || y.equals("/"))) return false;
            if (y.equals(":") && roles.of(b) instanceof NcdParser.EquationContext) return true;
            // brackets and punctuation that hug their neighbours
            if (y.equals(",") || y.equals(";") || y.equals(")") || y.equals("]") || y.equals(":") || y.equals(".") || y.equals("..")) return false;
            if (x.equals("(") || x.equals("[") || x.equals(".") || x.equals("..") || x.equals("@")) return false;
            if (x.equals("^") || y.equals("^")) return false;
            if (roles.prefixMinus(a)) return false;
            if (roles.genericAngle(b)) return false;
            if (roles.genericAngle(a) && x.equals("<")) return false;
            boolean bBlock = roles.blockBrace(b), aBlock = roles.blockBrace(a);
            if (y.equals("{")) return bBlock;          // a block opens after a space; a rename or import list hugs
            if (x.equals("{")) return aBlock;
            if (y.equals("}")) return bBlock;
            if (y.equals("(")) return roles.scanParen(b) || !callee(a);
            if (y.equals("[")) return !(callee(a) || x.equals(")") || x.equals("]") || x.equals("}"));
            return true;
        }

        /** A token that a following {@code (} or {@code [} belongs to: a name, a dtype, closing generics or axis args. */
        private boolean callee(Token a) {
            String x = a.getText();
            if (roles.genericAngle(a) && x.equals(">")) return true;
            if (x.equals("]")) return true;
            return a.getType() == NcdLexer.ID || a.getType() == NcdLexer.DTYPE;
        }

        private String render() {
            // trailing comments of consecutive lines share a column
            int[] column = new int[lines.size()];
            for (int i = 0; i < lines.size(); ) {
                if (lines.get(i).comment() == null || lines.get(i).code().isEmpty()) { i++; continue; }
                int j = i, width = 0;
                while (j < lines.size() && lines.get(j).comment() != null && !lines.get(j).code().isEmpty()) {
                    width = Math.max(width, lines.get(j).indent().length() + lines.get(j).code().length());
                    j++;
                }
                for (int k = i; k < j; k++) column[k] = width + 2;
                i = j;
            }
            int first = 0, last = lines.size() - 1;
            while (first <= last && blank(lines.get(first))) first++;
            while (last >= first && blank(lines.get(last))) last--;
            StringBuilder out = new StringBuilder();
            for (int i = first; i <= last; i++) {
                Line l = lines.get(i);
                StringBuilder s = new StringBuilder();
                if (!blank(l)) s.append(l.indent()).append(l.code());
                if (l.comment() != null) {
                    if (!l.code().isEmpty()) s.append(" ".repeat(Math.max(1, column[i] - s.length())));
                    s.append(l.comment());
                }
                int end = s.length();
                while (end > 0 && s.charAt(end - 1) == ' ') end--;
                out.append(s, 0, end).append('\n');
            }
            return out.toString();
        }

        private static boolean blank(Line l) { return l.code().isEmpty() && l.comment() == null; }
    }
}
