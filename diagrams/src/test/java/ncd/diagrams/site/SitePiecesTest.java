package ncd.diagrams.site;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pieces of the doc site without a browser: highlighting, Markdown, call resolution, the search index. */
class SitePiecesTest {
    private static final String SOURCE = String.join("\n",
            "module demo.net",
            "import std.nn.{Linear}",
            "axis seq = 10, d = 4",
            "/* a block",
            "   comment */",
            "// A step.",
            "circuit Step(x: f32[seq, d]) -> f32[seq, d] {",
            "  let y = Linear<d, d>(x) + 20 ms",
            "  return sum[seq](y) * 2",
            "}",
            "");

    private static final Highlighter.Linker LINKS = new Highlighter.Linker() {
        @Override public String circuit(String name) { return name.equals("Linear") ? "std.nn/Linear.html" : null; }

        @Override public String module(String q) { return q.equals("std.nn") ? "std.nn.html" : null; }
    };

    @Test void highlightsWithTheLexer() {
        String html = Highlighter.html(SOURCE, 1, LINKS);
        assertTrue(html.contains("<span class=\"kw\">circuit</span> <span class=\"def\">Step</span>"), html);
        assertTrue(html.contains("<span class=\"ty\">f32</span>[<span class=\"ax\">seq</span>"), html);
        assertTrue(html.contains("<span class=\"num\">20</span> <span class=\"unit\">ms</span>"), html);
        assertTrue(html.contains("<a class=\"call\" href=\"std.nn/Linear.html\">Linear</a>&lt;d, d&gt;"), html);
        assertTrue(html.contains("<a class=\"mod\" href=\"std.nn.html\">std</a>.<a class=\"mod\" href=\"std.nn.html\">nn</a>.{"), html);
        assertTrue(html.contains("<span class=\"com\">// A step.</span>"), html);
        // a block comment over two lines is closed and reopened at the line break, so every line is whole
        assertTrue(html.contains("<span class=\"com\">/* a block</span></span>\n<span class=\"line\" id=\"L5\"><a class=\"ln\" "
                + "href=\"#L5\" aria-hidden=\"true\">5</a><span class=\"com\">   comment */</span>"), html);
        assertTrue(html.contains("id=\"L10\""), html);
        assertFalse(html.contains("id=\"L11\""), "the trailing empty line gets no number");
        // the text is all there: strip the tags and the line numbers and the source comes back
        String text = html.substring(0, html.lastIndexOf("</pre>")).replaceAll("<a class=\"ln\"[^>]*>\\d+</a>", "").replaceAll("<[^>]+>", "")
                .replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&");
        assertEquals(SOURCE, text);
    }

    @Test void linesStartAtTheDeclaration() {
        String html = Highlighter.html("circuit A() -> f32 {\n  return 1\n}\n", 40, LINKS);
        assertTrue(html.contains("id=\"L40\"") && html.contains("id=\"L42\"") && !html.contains("id=\"L43\""), html);
        assertTrue(html.contains("--ln:2ch"), html);
    }

    @Test void namesAreWhatCouldBeCircuits() {
        Set<String> names = Highlighter.names(SOURCE);
        assertTrue(names.containsAll(List.of("Linear", "x", "y")), names.toString());
        assertFalse(names.contains("Step"), "a declared name is no use");
        assertFalse(names.contains("ms"), "a unit is no call");
        assertFalse(names.contains("seq"), "an axis in brackets is no call");
    }

    @Test void commentsAreMarkdown() {
        String html = Markdown.comment(String.join("\n",
                "Parameters:",
                "",
                "| name | shape |",
                "|---|---|",
                "| `W` | `[O, I]` |",
                "",
                "One step:",
                "  h_next = tanh(W x + b)",
                "  y = h_next",
                "and `grad[y](e)` or grad[y](e) stays as written; <script>alert(1)</script> is text.",
                "- a list item"));
        assertTrue(html.contains("<table class=\"md\">") && html.contains("<th>name</th>") && html.contains("<td><code>W</code></td>"), html);
        assertTrue(html.contains("<pre><code class=\"language-text\">h_next = tanh(W x + b)\ny = h_next\n</code></pre>"), html);
        assertTrue(html.contains("grad[y](e) stays"), html);
        assertFalse(html.contains("<script>"), html);
        assertTrue(html.contains("&lt;script&gt;"), html);
        assertTrue(html.contains("<li>a list item</li>"), html);
    }

    @Test void ncdCodeBlocksAreHighlighted() {
        String html = Markdown.render("```ncd\ncircuit A(x: f32[n]) -> f32[n] { return x }\n```\n\n```\nplain <b>\n```\n", to -> to).html();
        assertTrue(html.contains("<pre class=\"source ncd\"><code class=\"language-ncd\"><span class=\"kw\">circuit</span> "
                + "<span class=\"def\">A</span>(x: <span class=\"ty\">f32</span>[<span class=\"ax\">n</span>]"), html);
        assertTrue(html.contains("<pre><code>plain &lt;b&gt;\n</code></pre>"), html);
    }

    @Test void guideHeadingsGetGithubIds() {
        Markdown.Rendered r = Markdown.render("# Title\n\n## Cost per call\n\n### `ncdc doc` options\n\n## Cost per call\n\n"
                + "[ir](ir.md#cost) [gone](../README.md) [web](https://example.org)\n", to -> to.startsWith("ir.md") ? "ir.html#cost" : to.startsWith("http") ? to : null);
        assertEquals("Title", r.title());
        assertEquals(List.of(new Markdown.Heading2(2, "cost-per-call", "Cost per call"), new Markdown.Heading2(3, "ncdc-doc-options", "ncdc doc options"),
                new Markdown.Heading2(2, "cost-per-call-1", "Cost per call")), r.headings());
        assertTrue(r.html().contains("<a href=\"ir.html#cost\">ir</a>"), r.html());
        assertTrue(r.html().contains("</a> gone <a") && !r.html().contains("README"), r.html());
        assertTrue(r.html().contains("<a rel=\"noopener\" href=\"https://example.org\" class=\"external\">web</a>"), r.html());
    }

    @Test void callsResolveThroughImports() {
        CallGraph g = new CallGraph(Map.of(
                "std.nn", Map.of("Linear", "std.nn/Linear.html", "MLP", "std.nn/MLP.html"),
                "demo.net", Map.of("Step", "demo.net/Step.html", "Twice", "demo.net/Twice.html")));
        String src = "module demo.net\nimport std.nn.{Linear}\n";
        g.add("demo.net", src, "Step", "demo.net/Step.html", "circuit Step(x: f32[d]) -> f32[d] { return Linear<d, d>(MLP(x)) }");
        g.add("demo.net", src, "Twice", "demo.net/Twice.html", "circuit Twice(x: f32[d]) -> f32[d] { let s = Step\n return s(s(x)) }");
        assertEquals(List.of(new CallGraph.Ref("std.nn", "Linear", "std.nn/Linear.html")), g.callees("demo.net", "Step"),
                "MLP is not imported: it resolves to nothing");
        assertEquals(List.of(new CallGraph.Ref("demo.net", "Step", "demo.net/Step.html")), g.callees("demo.net", "Twice"));
        assertEquals(List.of(new CallGraph.Ref("demo.net", "Twice", "demo.net/Twice.html")), g.callers("demo.net", "Step"));
        assertEquals("std.nn/Linear.html", g.resolve("demo.net", "Linear"));
        assertEquals(null, g.resolve("demo.net", "MLP"));

        CallGraph whole = new CallGraph(Map.of("std.nn", Map.of("MLP", "std.nn/MLP.html"), "demo.b", Map.of()));
        whole.add("demo.b", "module demo.b\nimport std.nn   // all of it\n", "L", "demo.b/L.html", "law L(x: f32[d]): MLP(x) == MLP(x)");
        assertEquals("std.nn/MLP.html", whole.resolve("demo.b", "MLP"));
        assertEquals(List.of(new CallGraph.Ref("demo.b", "L", "demo.b/L.html")), whole.callers("std.nn", "MLP"));
    }

    @Test void searchIndexIsAScriptOfItems() {
        SearchIndex s = new SearchIndex();
        s.add("MLP", "circuit", "std.nn", SearchIndex.summary("A multi-layer perceptron. With </script> \"quotes\".\n\nMore."), "std.nn/MLP.html");
        String js = s.script();
        assertTrue(js.contains("window.NCD_SEARCH = [\n[\"MLP\",\"circuit\",\"std.nn\",\"A multi-layer perceptron.\",\"std.nn/MLP.html\"]\n];"), js);
        s.add("x", "law", "m", "ends </script> here", "m/x.html");
        assertFalse(s.script().contains("</script>"), "a summary cannot end the script element");
        assertEquals("Sizes: one line", SearchIndex.summary("Sizes:\n  one line"));
    }
}
