package ncd.diagrams.site;

import ncd.grammar.Gaps;
import ncd.grammar.NcdLexer;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.Vocabulary;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Source listings as highlighted HTML, classified by the language's own lexer (so a new keyword is highlighted
 * the day the grammar has it): keywords, dtypes, numbers and the unit after one, axes inside brackets, operators,
 * comments (the lexer skips them: they are the gaps between tokens), declared names, and names of circuits, linked
 * to their pages. Every line has an anchor {@code L<n>}. Done at generation time: the site needs no script for it.
 */
public final class Highlighter {
    private Highlighter() {}

    /** Where a name used in the listed source leads: a page of the site (relative to the page), or null. */
    public interface Linker {
        String circuit(String name);

        String module(String qualifiedName);
    }

    private record Seg(String text, String cls, String href) {}

    /** {@code text}, whose first line is line {@code firstLine} of its file, as a {@code <pre>} with numbered lines. */
    public static String html(String text, int firstLine, Linker linker) {
        List<Seg> segs = segments(text, linker);
        String[] lines = text.split("\n", -1);
        int n = lines.length;
        while (n > 0 && lines[n - 1].isBlank()) n--;
        int width = String.valueOf(firstLine + Math.max(n, 1) - 1).length();
        StringBuilder b = new StringBuilder("<pre class=\"source\" style=\"--ln:").append(width).append("ch\"><code>");
        int line = 0;
        openLine(b, firstLine);
        outer:
        for (Seg s : segs) {
            String[] parts = s.text().split("\n", -1);
            for (int i = 0; i < parts.length; i++) {
                if (i > 0) {
                    b.append("</span>\n");
                    if (++line >= n) break outer;
                    openLine(b, firstLine + line);
                }
                if (parts[i].isEmpty()) continue;
                if (s.href() != null) {
                    b.append("<a class=\"").append(s.cls()).append("\" href=\"").append(Html.esc(s.href())).append("\">")
                            .append(Html.esc(parts[i])).append("</a>");
                } else if (s.cls() != null) {
                    b.append("<span class=\"").append(s.cls()).append("\">").append(Html.esc(parts[i])).append("</span>");
                } else {
                    b.append(Html.esc(parts[i]));
                }
            }
        }
        if (line < n) b.append("</span>\n");
        return b.append("</code></pre>\n").toString();
    }

    /** {@code text} highlighted, without line numbers or links (a code block of the guide). */
    public static String spans(String text) {
        StringBuilder b = new StringBuilder();
        for (Seg s : segments(text, new Linker() {
            @Override public String circuit(String name) { return null; }

            @Override public String module(String qualifiedName) { return null; }
        })) {
            if (s.cls() == null) b.append(Html.esc(s.text()));
            else b.append("<span class=\"").append(s.cls()).append("\">").append(Html.esc(s.text())).append("</span>");
        }
        return b.toString();
    }

    private static void openLine(StringBuilder b, int number) {
        b.append("<span class=\"line\" id=\"L").append(number).append("\"><a class=\"ln\" href=\"#L").append(number)
                .append("\" aria-hidden=\"true\">").append(number).append("</a>");
    }

    /** The names {@code text} uses where a circuit could be (not declared names, axes, units or module paths). */
    public static Set<String> names(String text) {
        Set<String> out = new LinkedHashSet<>();
        segments(text, new Linker() {
            @Override public String circuit(String name) {
                out.add(name);
                return null;
            }

            @Override public String module(String qualifiedName) { return null; }
        });
        return out;
    }

    private static List<Seg> segments(String text, Linker linker) {
        NcdLexer lexer = new NcdLexer(CharStreams.fromString(text));
        lexer.removeErrorListeners();
        Vocabulary voc = lexer.getVocabulary();
        List<Seg> out = new ArrayList<>();
        int pos = 0;
        int brackets = 0;
        Token prev = null;
        String prevLiteral = "";
        int pathStart = -1;           // inside `module a.b` or `import a.b`: where its segments start in out
        StringBuilder path = new StringBuilder();
        List<? extends Token> tokens = lexer.getAllTokens();
        for (int k = 0; k < tokens.size(); k++) {
            Token t = tokens.get(k);
            int start = t.getStartIndex();
            if (start < pos) continue;
            String gap = text.substring(pos, start);
            gaps(gap, out);
            String s = t.getText();
            String literal = voc.getLiteralName(t.getType());
            String lit = literal == null ? "" : literal.substring(1, literal.length() - 1);
            boolean newLine = gap.indexOf('\n') >= 0;
            boolean pathPart = t.getType() == NcdLexer.ID || t.getType() == NcdLexer.DTYPE || isWord(lit) || lit.equals(".");
            if (pathStart >= 0 && (newLine || !pathPart)) {
                finishPath(out, pathStart, path.toString().replaceAll("\\.$", ""), linker);
                pathStart = -1;
            }
            if (pathStart >= 0) {
                path.append(s);
                out.add(new Seg(s, lit.equals(".") ? null : "mod", null));
            } else if (t.getType() == NcdLexer.DTYPE) {
                out.add(new Seg(s, "ty", null));
            } else if (t.getType() == NcdLexer.NUMBER) {
                out.add(new Seg(s, "num", null));
            } else if (t.getType() == NcdLexer.ID) {
                if (prev != null && prev.getType() == NcdLexer.NUMBER && !newLine) {
                    out.add(new Seg(s, "unit", null));
                } else if (DECLARES.contains(prevLiteral)) {
                    out.add(new Seg(s, "def", null));
                } else if (prevLiteral.equals(".")) {
                    out.add(new Seg(s, null, null));    // a field of a path (freeze = [net.l1.W]): not a circuit
                } else if (brackets > 0 && !(k + 1 < tokens.size() && CALL.contains(tokens.get(k + 1).getText()))) {
                    out.add(new Seg(s, "ax", null));     // sum[seq](x): an axis, unless called there
                } else {
                    String href = linker.circuit(s);
                    if (href != null) out.add(new Seg(s, "call", href));
                    else out.add(new Seg(s, null, null));
                }
            } else if (isWord(lit)) {
                out.add(new Seg(s, "kw", null));
                if (lit.equals("module") || lit.equals("import")) {
                    pathStart = out.size();
                    path.setLength(0);
                }
            } else {
                if (lit.equals("[")) brackets++;
                else if (lit.equals("]") && brackets > 0) brackets--;
                out.add(new Seg(s, OPERATORS.contains(lit) ? "op" : null, null));
            }
            prev = t;
            prevLiteral = lit;
            pos = t.getStopIndex() + 1;
        }
        if (pathStart >= 0) finishPath(out, pathStart, path.toString(), linker);
        gaps(text.substring(Math.min(pos, text.length())), out);
        return out;
    }

    /** Links every segment of a module path to the module's page. */
    private static void finishPath(List<Seg> out, int from, String path, Linker linker) {
        String href = linker.module(path);
        if (href == null) return;
        for (int i = from; i < out.size(); i++) {
            Seg s = out.get(i);
            if (s.cls() != null) out.set(i, new Seg(s.text(), s.cls(), href));
        }
    }

    /** Whitespace and comments between tokens. */
    private static void gaps(String gap, List<Seg> out) {
        for (Gaps.Piece p : Gaps.split(gap, 0, gap.length())) out.add(new Seg(p.of(gap), p.comment() ? "com" : null, null));
    }

    private static boolean isWord(String lit) {
        return !lit.isEmpty() && Character.isLetter(lit.charAt(0));
    }

    private static final Set<String> CALL = Set.of("(", "<");
    private static final Set<String> DECLARES = Set.of("circuit", "law", "expect", "train", "unit", "axis", "const", "let", "param", "state");
    private static final Set<String> OPERATORS = Set.of("->", "=", "==", "!=", "<=", ">=", "+", "-", "*", "/", "%", "^", "@", "~", "..");
}
