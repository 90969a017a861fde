package ncd.diagrams;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads Graphviz DOT text back into nodes, edges and clusters with their explicit attributes: the half of the
 * round trip that does not trust the writer. It follows the DOT grammar (graph, node and edge statements,
 * attribute lists, {@code a = b} statements, nested and anonymous subgraphs, edge chains, quoted and HTML strings,
 * comments); it does not resolve default attributes ({@code node [...]}) into nodes, since the round trip reads only
 * what each element states itself.
 */
public final class DotParser {
    /** A subgraph whose name starts with {@code cluster}: its name, attributes and enclosing cluster (or null). */
    public record Cluster(String name, Map<String, String> attrs, Cluster parent) {}

    /** A node: its name, explicit attributes, and the innermost cluster it was first declared in (or null). */
    public record DotNode(String name, Map<String, String> attrs, Cluster cluster) {}

    /** An edge {@code tail -> head} and its attributes. */
    public record DotEdge(String tail, String head, Map<String, String> attrs) {}

    /** A parsed graph. HTML labels keep their markup, between the outer angle brackets. */
    public record DotGraph(String name, boolean directed, Map<String, String> attrs, Map<String, DotNode> nodes,
                           List<DotEdge> edges, List<Cluster> clusters) {}

    /** DOT text that does not parse. */
    public static final class DotSyntaxException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DotSyntaxException(String message) { super(message); }
    }

    private enum T { ID, HTML, LBRACE, RBRACE, LBRACKET, RBRACKET, EQ, SEMI, COMMA, ARROW, EOF }

    private record Tok(T kind, String text, int line) {}

    private final List<Tok> toks;
    private int pos;
    private final Map<String, String> graphAttrs = new LinkedHashMap<>();
    private final Map<String, DotNode> nodes = new LinkedHashMap<>();
    private final List<DotEdge> edges = new ArrayList<>();
    private final List<Cluster> clusters = new ArrayList<>();
    private final Deque<Cluster> open = new ArrayDeque<>();

    private DotParser(List<Tok> toks) { this.toks = toks; }

    public static DotGraph parse(String dot) {
        DotParser p = new DotParser(lex(dot));
        return p.graph();
    }

    private DotGraph graph() {
        if (peekWord("strict")) pos++;
        boolean directed;
        if (peekWord("digraph")) directed = true;
        else if (peekWord("graph")) directed = false;
        else throw error("expected graph or digraph");
        pos++;
        String name = null;
        if (peek().kind == T.ID) name = next().text;
        expect(T.LBRACE);
        stmts(graphAttrs);
        expect(T.RBRACE);
        if (peek().kind != T.EOF) throw error("text after the graph's closing brace");
        return new DotGraph(name, directed, graphAttrs, nodes, edges, clusters);
    }

    /** Statements up to the closing brace; {@code own} receives this (sub)graph's own attributes. */
    private void stmts(Map<String, String> own) {
        while (peek().kind != T.RBRACE && peek().kind != T.EOF) {
            stmt(own);
            if (peek().kind == T.SEMI) pos++;
        }
    }

    private void stmt(Map<String, String> own) {
        Tok t = peek();
        if (t.kind == T.ID && (t.text.equals("graph") || t.text.equals("node") || t.text.equals("edge"))
                && toks.get(pos + 1).kind == T.LBRACKET) {
            pos++;
            Map<String, String> a = attrLists();
            if (t.text.equals("graph")) own.putAll(a);
            return;
        }
        if (t.kind == T.ID && toks.get(pos + 1).kind == T.EQ) {
            String k = next().text;
            pos++;
            own.put(k, value());
            return;
        }
        List<String> left = operand();
        if (peek().kind == T.ARROW) {
            List<List<String>> chain = new ArrayList<>();
            chain.add(left);
            while (peek().kind == T.ARROW) {
                pos++;
                chain.add(operand());
            }
            Map<String, String> a = peek().kind == T.LBRACKET ? attrLists() : new LinkedHashMap<>();
            for (int k = 0; k + 1 < chain.size(); k++) {
                for (String tail : chain.get(k)) {
                    for (String head : chain.get(k + 1)) edges.add(new DotEdge(tail, head, new LinkedHashMap<>(a)));
                }
            }
            return;
        }
        if (peek().kind == T.LBRACKET) {
            if (left.size() != 1) throw error("attributes after a subgraph");
            Map<String, String> a = attrLists();
            nodes.get(left.get(0)).attrs().putAll(a);
        }
    }

    /** A node name or a subgraph; the node names it stands for. */
    private List<String> operand() {
        if (peekWord("subgraph") || peek().kind == T.LBRACE) return subgraph();
        Tok t = next();
        if (t.kind != T.ID) throw error("expected a node name, got " + t.text);
        declare(t.text);
        return List.of(t.text);
    }

    private List<String> subgraph() {
        String name = null;
        if (peekWord("subgraph")) {
            pos++;
            if (peek().kind == T.ID) name = next().text;
        }
        Map<String, String> own = new LinkedHashMap<>();
        boolean isCluster = name != null && name.startsWith("cluster");
        if (isCluster) {
            Cluster c = new Cluster(name, own, open.peek());
            clusters.add(c);
            open.push(c);
        }
        int before = nodes.size();
        List<String> names = new ArrayList<>();
        int edgeMark = edges.size();
        expect(T.LBRACE);
        Map<String, DotNode> snapshot = new LinkedHashMap<>(nodes);
        stmts(own);
        expect(T.RBRACE);
        if (isCluster) open.pop();
        for (String n : nodes.keySet()) if (!snapshot.containsKey(n)) names.add(n);
        for (int k = edgeMark; k < edges.size(); k++) {
            if (!names.contains(edges.get(k).tail())) names.add(edges.get(k).tail());
            if (!names.contains(edges.get(k).head())) names.add(edges.get(k).head());
        }
        if (nodes.size() < before) throw new IllegalStateException();
        return names;
    }

    private void declare(String name) {
        nodes.computeIfAbsent(name, n -> new DotNode(n, new LinkedHashMap<>(), open.peek()));
    }

    private Map<String, String> attrLists() {
        Map<String, String> a = new LinkedHashMap<>();
        while (peek().kind == T.LBRACKET) {
            pos++;
            while (peek().kind != T.RBRACKET) {
                Tok k = next();
                if (k.kind != T.ID) throw error("expected an attribute name, got " + k.text);
                expect(T.EQ);
                a.put(k.text, value());
                if (peek().kind == T.COMMA || peek().kind == T.SEMI) pos++;
            }
            pos++;
        }
        return a;
    }

    private String value() {
        Tok v = next();
        if (v.kind != T.ID && v.kind != T.HTML) throw error("expected a value, got " + v.text);
        return v.text;
    }

    private boolean peekWord(String w) { return peek().kind == T.ID && peek().text.equals(w); }

    private Tok peek() { return toks.get(pos); }

    private Tok next() { return toks.get(pos++); }

    private void expect(T kind) {
        Tok t = next();
        if (t.kind != kind) throw error("expected " + kind + ", got '" + t.text + "'");
    }

    private DotSyntaxException error(String msg) {
        return new DotSyntaxException("DOT line " + peek().line + ": " + msg);
    }

    // ---- lexer --------------------------------------------------------------------------------------------------

    private static List<Tok> lex(String s) {
        List<Tok> out = new ArrayList<>();
        int i = 0;
        int line = 1;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\n') {
                line++;
                i++;
            } else if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '/' && i + 1 < s.length() && s.charAt(i + 1) == '/' || c == '#') {
                while (i < s.length() && s.charAt(i) != '\n') i++;
            } else if (c == '/' && i + 1 < s.length() && s.charAt(i + 1) == '*') {
                int end = s.indexOf("*/", i + 2);
                if (end < 0) throw new DotSyntaxException("DOT line " + line + ": unterminated comment");
                for (int k = i; k < end; k++) if (s.charAt(k) == '\n') line++;
                i = end + 2;
            } else if (c == '{') {
                out.add(new Tok(T.LBRACE, "{", line));
                i++;
            } else if (c == '}') {
                out.add(new Tok(T.RBRACE, "}", line));
                i++;
            } else if (c == '[') {
                out.add(new Tok(T.LBRACKET, "[", line));
                i++;
            } else if (c == ']') {
                out.add(new Tok(T.RBRACKET, "]", line));
                i++;
            } else if (c == '=') {
                out.add(new Tok(T.EQ, "=", line));
                i++;
            } else if (c == ';') {
                out.add(new Tok(T.SEMI, ";", line));
                i++;
            } else if (c == ',') {
                out.add(new Tok(T.COMMA, ",", line));
                i++;
            } else if (c == '-' && i + 1 < s.length() && (s.charAt(i + 1) == '>' || s.charAt(i + 1) == '-')) {
                out.add(new Tok(T.ARROW, "->", line));
                i += 2;
            } else if (c == '"') {
                StringBuilder b = new StringBuilder();
                int start = line;
                i++;
                while (true) {
                    if (i >= s.length()) throw new DotSyntaxException("DOT line " + start + ": unterminated string");
                    char d = s.charAt(i);
                    if (d == '"') {
                        i++;
                        break;
                    }
                    if (d == '\\' && i + 1 < s.length()) {
                        char e = s.charAt(i + 1);
                        switch (e) {
                            case '"': b.append('"'); break;
                            case '\\': b.append('\\'); break;
                            case 'n': case 'l': case 'r': b.append('\n'); break;
                            case '\n': line++; break;              // line continuation
                            default: b.append('\\').append(e);
                        }
                        i += 2;
                        continue;
                    }
                    if (d == '\n') line++;
                    b.append(d);
                    i++;
                }
                out.add(new Tok(T.ID, b.toString(), start));
            } else if (c == '<') {
                int depth = 0;
                int start = i;
                int startLine = line;
                do {
                    if (i >= s.length()) throw new DotSyntaxException("DOT line " + startLine + ": unterminated HTML string");
                    char d = s.charAt(i);
                    if (d == '<') depth++;
                    else if (d == '>') depth--;
                    else if (d == '\n') line++;
                    i++;
                } while (depth > 0);
                out.add(new Tok(T.HTML, s.substring(start + 1, i - 1), startLine));
            } else if (Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '-' || c >= 0x80) {
                int start = i;
                while (i < s.length()) {
                    char d = s.charAt(i);
                    if (Character.isLetterOrDigit(d) || d == '_' || d == '.' || d >= 0x80) i++;
                    else if (d == '-' && i == start) i++;
                    else break;
                }
                out.add(new Tok(T.ID, s.substring(start, i), line));
            } else {
                throw new DotSyntaxException("DOT line " + line + ": unexpected character '" + c + "'");
            }
        }
        out.add(new Tok(T.EOF, "<end>", line));
        out.add(new Tok(T.EOF, "<end>", line));
        return out;
    }

    /**
     * The text of a label: for an HTML label (a value that is markup, {@code <TABLE ...>...}), the markup and
     * entities removed, rows and breaks as newlines; a plain label as it is.
     */
    public static String labelText(String label) {
        if (label == null) return "";
        if (!(label.startsWith("<") && label.endsWith(">") && label.matches("(?s)<[A-Za-z/].*"))) return label;
        String s = label.replaceAll("(?i)<br\\s*/?>|</tr>", "\n").replaceAll("<[^>]*>", "");
        return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&");
    }
}
