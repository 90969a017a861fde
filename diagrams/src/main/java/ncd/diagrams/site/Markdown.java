package ncd.diagrams.site;

import org.commonmark.Extension;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.Code;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.Heading;
import org.commonmark.node.Link;
import org.commonmark.node.Node;
import org.commonmark.node.Text;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.NodeRenderer;
import org.commonmark.renderer.html.HtmlNodeRendererContext;
import org.commonmark.renderer.html.HtmlRenderer;
import org.commonmark.renderer.html.HtmlWriter;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Doc comments and guide pages as HTML, through commonmark (CommonMark with GitHub's pipe tables). Raw HTML in the
 * input is escaped, never passed through, and link targets are sanitised: a comment cannot inject markup or script.
 */
public final class Markdown {
    private Markdown() {}

    /** A heading of a rendered page, with the id it got. */
    public record Heading2(int level, String id, String text) {}

    /** Rendered HTML and the headings (levels 2 and 3) of a page. */
    public record Rendered(String html, List<Heading2> headings, String title) {}

    private static final List<Extension> EXTENSIONS = List.of(TablesExtension.create());
    private static final Parser PARSER = Parser.builder().extensions(EXTENSIONS).build();

    /**
     * A doc comment (the comment lines, without their slashes and one space). The comments of this project indent
     * what must keep its lines (equations, commands, aligned columns) by two or more spaces, as plain text would;
     * Markdown would run such lines together (its code blocks need four spaces), so a run of indented lines becomes
     * a code block. Lines inside a fence, list items and pipe tables are left as written.
     */
    public static String comment(String text) {
        return render(commentToMarkdown(text), to -> to.matches("(?i)https?://.*") ? to : null, true).html();
    }

    static String commentToMarkdown(String text) {
        StringBuilder b = new StringBuilder();
        boolean fence = false;
        boolean block = false;
        for (String line : text.split("\n", -1)) {
            String t = line.strip();
            if (t.startsWith("```") || t.startsWith("~~~")) fence = !fence;
            boolean indented = !fence && line.startsWith("  ") && !t.isEmpty() && !t.startsWith("|")
                    && !t.matches("([-*+]|\\d+[.)])\\s.*");
            if (indented && !block) {
                b.append("\n```text\n");
                block = true;
            } else if (!indented && block) {
                b.append("```\n\n");
                block = false;
            }
            b.append(block ? line.substring(2) : line).append('\n');
        }
        if (block) b.append("```\n");
        return b.toString();
    }

    /** A guide page: see {@link #render(String, UnaryOperator, boolean)}; a link going nowhere keeps its text. */
    public static Rendered render(String markdown, UnaryOperator<String> link) {
        return render(markdown, link, false);
    }

    /**
     * Renders a page; {@code link} rewrites each link target, or returns null for a link the site cannot follow: it
     * becomes its text, or with {@code literal} the text as written ({@code grad[y](e)} in a comment is code, not a
     * link). Headings get GitHub's ids ("Cost per call" as {@code cost-per-call}), so links written for GitHub work.
     */
    public static Rendered render(String markdown, UnaryOperator<String> link, boolean literal) {
        Node doc = PARSER.parse(markdown);
        List<Heading2> headings = new ArrayList<>();
        Map<Heading, String> ids = new HashMap<>();
        Map<String, Integer> used = new HashMap<>();
        String[] title = {null};
        doc.accept(new AbstractVisitor() {
            @Override public void visit(Heading h) {
                String text = text(h);
                String slug = slug(text);
                int k = used.merge(slug, 1, Integer::sum);
                String id = k == 1 ? slug : slug + "-" + (k - 1);
                ids.put(h, id);
                if (h.getLevel() == 1 && title[0] == null) title[0] = text;
                if (h.getLevel() == 2 || h.getLevel() == 3) headings.add(new Heading2(h.getLevel(), id, text));
            }

            @Override public void visit(Link l) {
                visitChildren(l);
                String to = link.apply(l.getDestination());
                if (to != null) {
                    l.setDestination(to);
                    return;
                }
                if (literal) l.insertBefore(new Text("["));
                Node child = l.getFirstChild();     // unlink: the text stays where the link was
                while (child != null) {
                    Node next = child.getNext();
                    l.insertBefore(child);
                    child = next;
                }
                if (literal) l.insertBefore(new Text("](" + l.getDestination() + ")"));
                l.unlink();
            }
        });
        HtmlRenderer renderer = HtmlRenderer.builder().extensions(EXTENSIONS).escapeHtml(true).sanitizeUrls(true)
                .attributeProviderFactory(ctx -> (node, tag, attrs) -> {
                    if (node instanceof Heading h && ids.containsKey(h)) attrs.put("id", ids.get(h));
                    if (node instanceof Link && attrs.getOrDefault("href", "").matches("(?i)https?:.*")) {
                        attrs.put("class", "external");
                        attrs.put("rel", "noopener");
                    } else if (node instanceof Link) {
                        attrs.remove("rel");        // sanitizeUrls' nofollow: meant for the web, not for our own pages
                    }
                    if (tag.equals("table")) attrs.put("class", "md");
                })
                .nodeRendererFactory(CodeBlocks::new)
                .build();
        return new Rendered(renderer.render(doc), headings, title[0]);
    }

    /** Fenced code blocks: those marked {@code ncd} highlighted by the language's lexer, the others as commonmark does. */
    private record CodeBlocks(HtmlNodeRendererContext ctx) implements NodeRenderer {
        @Override public Set<Class<? extends Node>> getNodeTypes() { return Set.of(FencedCodeBlock.class); }

        @Override public void render(Node node) {
            FencedCodeBlock f = (FencedCodeBlock) node;
            String info = f.getInfo() == null ? "" : f.getInfo().strip().split("\\s+")[0];
            HtmlWriter w = ctx.getWriter();
            w.line();
            w.tag("pre", info.equals("ncd") ? Map.of("class", "source ncd") : Map.of());
            w.tag("code", info.isEmpty() ? Map.of() : Map.of("class", "language-" + info));
            if (info.equals("ncd")) w.raw(Highlighter.spans(f.getLiteral()));
            else w.text(f.getLiteral());
            w.tag("/code");
            w.tag("/pre");
            w.line();
        }
    }

    /** The text of a node, code spans included. */
    static String text(Node n) {
        StringBuilder b = new StringBuilder();
        n.accept(new AbstractVisitor() {
            @Override public void visit(Text t) { b.append(t.getLiteral()); }

            @Override public void visit(Code c) { b.append(c.getLiteral()); }
        });
        return b.toString();
    }

    /** GitHub's heading anchor: lower case, punctuation dropped, spaces as hyphens. */
    static String slug(String text) {
        StringBuilder b = new StringBuilder();
        for (char c : text.toLowerCase(Locale.ROOT).toCharArray()) {
            if (Character.isLetterOrDigit(c) || c == '-' || c == '_') b.append(c);
            else if (c == ' ') b.append('-');
        }
        return b.isEmpty() ? "section" : b.toString();
    }
}
