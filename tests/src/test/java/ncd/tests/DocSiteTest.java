package ncd.tests;

import ncd.runtime.Json;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code ncdc doc} sites open in a real browser: headless Chromium (Debian's {@code chromium}; CI installs it in
 * .ci/run) crawls the site from index.html, and every page must load without console errors or failed loads,
 * reach every generated page, link only to files that exist (no external resources; a guide page's link to the
 * web is marked external), and show each diagram as an SVG of non-zero size with its IR ids. On a phone-sized
 * viewport the page itself must not scroll sideways (wide diagrams scroll inside their frame). The examples site
 * (examples and stdlib together, with the guide) is also used as a reader would: the sidebar, the search box, a
 * highlighted source, a Markdown table from a doc comment, call links, diagram zoom, on a desktop and 420 px wide.
 * Screenshots are kept in tests/target/doc-site/screenshots/.
 */
class DocSiteTest {
    private static final String PAGE_INFO = String.join("\n",
            "JSON.stringify({",
            "  css: getComputedStyle(document.querySelector('main')).maxWidth,",
            "  diagrams: [...document.querySelectorAll('svg.ncd-diagram')].map(s => { const r = s.getBoundingClientRect();",
            "    const cs = getComputedStyle(s); return {w: r.width, h: r.height, visible: cs.visibility === 'visible' && cs.display !== 'none',",
            "    nodes: s.querySelectorAll('g.node').length, edges: s.querySelectorAll('g.edge').length}; }),",
            "  links: [...document.querySelectorAll('a[href]:not(.external)')].map(a => a.href),",
            "  external: [...document.querySelectorAll('a.external')].map(a => a.href),",
            "  resources: [...document.querySelectorAll('link[href], script[src], img[src], iframe[src], object[data]')]",
            "    .map(e => e.href || e.src || e.data),",
            "  scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth",
            "})");

    @Test void stdlibSiteReadsInChromium() throws Exception {
        checkSite("stdlib", List.of(Repo.root().resolve("stdlib").toString(), "--no-guide"), "std.attention/MultiHead.html",
                "std.lif/LIF.html", null);
    }

    @Test void examplesSiteReadsInChromium() throws Exception {
        checkSite("examples", List.of(Repo.root().resolve("examples").toString(), Repo.root().resolve("stdlib").toString()),
                "examples.transformer/Block.html", "guide/language.html", DocSiteTest::readAsAPerson);
    }

    /** Checks that use a site as a person would, with Chromium showing {@code out}; problems go to the list. */
    @FunctionalInterface
    interface Reader {
        void read(Chromium c, Path out, List<String> problems) throws Exception;
    }

    private static void checkSite(String name, List<String> args, String showcase, String second, Reader reader) throws Exception {
        Path chromium = Chromium.find();
        if (chromium == null) {
            fail("DocSiteTest needs headless Chromium to open the generated site, and none was found (looked for "
                    + "chromium, chromium-browser, google-chrome on the PATH; or set -Dncd.chromium=/path/to/chrome). "
                    + "Install it: apt-get install -y --no-install-recommends chromium (.ci/run does this on CI).");
        }
        Path out = Repo.root().resolve("tests/target/doc-site/" + name);
        Path shots = Repo.root().resolve("tests/target/doc-site/screenshots");
        deleteTree(out);
        Files.createDirectories(shots);
        List<String> command = new ArrayList<>(List.of("doc"));
        command.addAll(args);
        command.addAll(List.of("-o", out.toString()));
        Ncdc.Result r = Ncdc.run(command);
        assertEquals(0, r.exit(), () -> "ncdc " + command + " failed\n" + r.describe());

        Set<Path> generated = new LinkedHashSet<>();
        try (Stream<Path> s = Files.walk(out)) {
            s.filter(p -> p.toString().endsWith(".html")).sorted().forEach(p -> generated.add(p.toAbsolutePath().normalize()));
        }
        List<String> problems = new ArrayList<>();
        Set<Path> visited = new LinkedHashSet<>();
        int diagrams = 0;
        try (Chromium c = new Chromium(chromium)) {
            c.viewport(1280, 900, 1, false);
            Deque<Path> queue = new ArrayDeque<>();
            queue.add(out.resolve("index.html").toAbsolutePath().normalize());
            while (!queue.isEmpty()) {
                Path page = queue.poll();
                if (!visited.add(page)) continue;
                String rel = out.toAbsolutePath().normalize().relativize(page).toString();
                c.navigate(page.toUri().toString());
                for (String p : c.problems) problems.add(rel + ": " + p);
                Map<?, ?> info = (Map<?, ?>) Json.parse((String) c.eval(PAGE_INFO));
                if (!"75rem".equals(info.get("css")) && !"1200px".equals(info.get("css"))) {
                    problems.add(rel + ": style.css is not applied (main max-width " + info.get("css") + ")");
                }
                for (Object o : (List<?>) info.get("diagrams")) {
                    Map<?, ?> d = (Map<?, ?>) o;
                    diagrams++;
                    double w = ((Number) d.get("w")).doubleValue();
                    double h = ((Number) d.get("h")).doubleValue();
                    if (!(w > 10 && h > 10) || !Boolean.TRUE.equals(d.get("visible"))) {
                        problems.add(rel + ": a diagram is not visible (" + w + " x " + h + ", visible " + d.get("visible") + ")");
                    }
                    if (((Number) d.get("nodes")).intValue() == 0) problems.add(rel + ": a diagram has no nodes");
                }
                for (Object o : (List<?>) info.get("external")) {
                    if (!((String) o).startsWith("https://")) problems.add(rel + ": an external link that is not https: " + o);
                }
                List<Object> targets = new ArrayList<>((List<?>) info.get("links"));
                targets.addAll((List<?>) info.get("resources"));
                for (Object o : targets) {
                    URI u = URI.create((String) o);
                    if (!"file".equals(u.getScheme())) {
                        problems.add(rel + ": links outside the site: " + u);
                        continue;
                    }
                    Path target = Path.of(new URI("file", null, u.getPath(), null)).toAbsolutePath().normalize();
                    if (!Files.isRegularFile(target)) {
                        problems.add(rel + ": broken link " + u);
                    } else if (u.getFragment() != null && !Files.readString(target).contains("id=\"" + u.getFragment() + "\"")) {
                        problems.add(rel + ": link to a missing anchor " + u);
                    } else if (target.toString().endsWith(".html")) {
                        queue.add(target);
                    }
                }
            }
            for (Path g : generated) if (!visited.contains(g)) problems.add(out.relativize(g) + ": no link leads to it");

            // Screenshots, kept as test artifacts, on a laptop and on a phone.
            shoot(c, out.resolve("index.html"), shots.resolve(name + "-index-laptop.png"), false, true, problems);
            shoot(c, out.resolve(showcase), shots.resolve(name + "-" + showcase.replace('/', '-').replace(".html", "") + "-laptop.png"),
                    false, true, problems);
            if (second != null) {
                shoot(c, out.resolve(second), shots.resolve(name + "-" + second.replace('/', '-').replace(".html", "") + "-laptop.png"),
                        false, true, problems);
            }
            shoot(c, out.resolve("index.html"), shots.resolve(name + "-index-phone.png"), true, false, problems);
            shoot(c, out.resolve(showcase), shots.resolve(name + "-" + showcase.replace('/', '-').replace(".html", "") + "-phone.png"),
                    true, false, problems);
            if (reader != null) reader.read(c, out, problems);
        }
        assertTrue(problems.isEmpty(), () -> problems.size() + " problems in the " + name + " site:\n  " + String.join("\n  ", problems));
        assertTrue(visited.size() >= 5, "the crawl visited only " + visited);
        assertTrue(diagrams >= 3, "only " + diagrams + " diagrams in the site");
    }

    /** Types {@code query} into the search box; returns the result links (absolute) and the box's state. */
    private static Map<?, ?> search(Chromium c, String query) {
        return (Map<?, ?>) Json.parse((String) c.eval(String.join("\n",
                "(() => { const i = document.getElementById('search');",
                "  document.body.dispatchEvent(new KeyboardEvent('keydown', {key: '/', bubbles: true}));",
                "  const focused = document.activeElement === i;",
                "  i.value = " + Chromium.quote(query) + "; i.dispatchEvent(new Event('input', {bubbles: true}));",
                "  const list = document.getElementById('search-results'); const r = list.getBoundingClientRect();",
                "  i.dispatchEvent(new KeyboardEvent('keydown', {key: 'ArrowDown', bubbles: true}));",
                "  const sel = document.querySelector('#search-results li[aria-selected=true] a');",
                "  return JSON.stringify({focused, shown: !list.hidden, left: r.left, right: r.right, innerWidth: window.innerWidth,",
                "    links: [...list.querySelectorAll('a')].map(a => a.href), text: list.textContent, selected: sel ? sel.href : null}); })()")));
    }

    private static Map<?, ?> info(Chromium c, String js) {
        return (Map<?, ?>) Json.parse((String) c.eval("JSON.stringify(" + js + ")"));
    }

    private static Path file(String url) throws Exception {
        URI u = URI.create(url);
        return Path.of(new URI("file", null, u.getPath(), null));
    }

    /** A link goes to an existing page and, with a fragment, to an element with that id. */
    private static boolean resolves(String url) throws Exception {
        Path f = file(url);
        if (!Files.isRegularFile(f)) return false;
        String frag = URI.create(url).getFragment();
        return frag == null || Files.readString(f).contains("id=\"" + frag + "\"");
    }

    private static int num(Map<?, ?> m, String k) { return ((Number) m.get(k)).intValue(); }

    /**
     * The examples site as a person reads it: on a desktop, the sidebar shows where one is and the page's sections;
     * "/" focuses the search box, a name finds its page (the first result, selected by the arrow key and opened by
     * Enter), a guide section and a module are found too, and every item of the index leads to a page that exists;
     * a source is highlighted with a call linked to the callee in the stdlib; the transformer's parameter-mapping
     * comment is a table; diagrams have zoom buttons, fit their frame and grow when zoomed. 420 px wide: no page
     * scrolls sideways, the sidebar is folded behind a toggle that opens it, and search results fit the screen.
     */
    private static void readAsAPerson(Chromium c, Path out, List<String> problems) throws Exception {
        Path shots = Repo.root().resolve("tests/target/doc-site/screenshots");
        String block = out.resolve("examples.transformer/Block.html").toUri().toString();
        c.viewport(1280, 900, 1, false);
        c.navigate(block);
        Map<?, ?> side = info(c, "{visible: document.getElementById('sidebar').offsetWidth > 100,"
                + " current: [...document.querySelectorAll('#sidebar a[aria-current=page]')].map(a => a.textContent),"
                + " toc: [...document.querySelectorAll('#sidebar .toc a')].map(a => a.getAttribute('href')),"
                + " modules: [...document.querySelectorAll('#sidebar a')].map(a => a.textContent)}");
        if (!Boolean.TRUE.equals(side.get("visible"))) problems.add("Block.html: no sidebar on a desktop");
        if (!List.of("Block").equals(side.get("current"))) problems.add("Block.html: the sidebar marks " + side.get("current") + " as the current page");
        if (!((List<?>) side.get("toc")).containsAll(List.of("#diagram", "#parameters", "#source"))) {
            problems.add("Block.html: the sidebar's contents are " + side.get("toc"));
        }
        if (!((List<?>) side.get("modules")).containsAll(List.of("std.attention", "examples.transformer", "Encoder", "The ncd language reference"))) {
            problems.add("Block.html: the sidebar lacks modules, circuits or the guide: " + side.get("modules"));
        }

        // search: a circuit by name, the first result selected and opened
        Map<?, ?> found = search(c, "encoderblock");
        List<?> links = (List<?>) found.get("links");
        if (!Boolean.TRUE.equals(found.get("focused"))) problems.add("search: '/' does not focus the search box");
        if (!Boolean.TRUE.equals(found.get("shown")) || links.isEmpty() || !((String) links.get(0)).endsWith("/std.attention/EncoderBlock.html")) {
            problems.add("search: 'encoderblock' finds " + links);
        } else if (!resolves((String) links.get(0)) || !links.get(0).equals(found.get("selected"))) {
            problems.add("search: the first result " + links.get(0) + " does not exist or is not selected by ArrowDown (" + found.get("selected") + ")");
        }
        Files.write(shots.resolve("examples-search-laptop.png"), c.screenshot(false));
        c.eval("document.getElementById('search').dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', bubbles: true})), 1");
        String at = "";
        for (int i = 0; i < 50 && !at.endsWith("/std.attention/EncoderBlock.html"); i++) {
            Thread.sleep(100);
            try {
                at = (String) c.eval("document.readyState === 'complete' ? location.href : ''");
            } catch (IllegalStateException navigating) {
                // the old page is gone and the new one not there yet
            }
        }
        if (!at.endsWith("/std.attention/EncoderBlock.html")) problems.add("search: Enter opened " + at + ", not EncoderBlock's page");
        // the load event of that page may still be on its way: navigate, then wait until the page is the one asked for
        Thread.sleep(300);
        c.navigate(block);
        for (int i = 0; i < 50; i++) {
            try {
                if (block.equals(c.eval("document.readyState === 'complete' ? location.href : ''"))) break;
            } catch (IllegalStateException navigating) {
                // between two pages
            }
            Thread.sleep(100);
        }
        List<?> section = (List<?>) search(c, "broadcasting by name").get("links");
        if (section.stream().noneMatch(l -> ((String) l).endsWith("/guide/language.html#broadcasting-by-name"))) {
            problems.add("search: 'broadcasting by name' finds no guide section: " + section);
        }
        List<?> module = (List<?>) search(c, "std.lif").get("links");
        if (module.isEmpty() || !((String) module.get(0)).endsWith("/std.lif.html")) problems.add("search: 'std.lif' finds " + module);
        Map<?, ?> none = search(c, "qqqzzz no such thing");
        if (!((String) none.get("text")).contains("Nothing found")) problems.add("search: a query matching nothing shows " + none.get("text"));
        for (Object href : (List<?>) Json.parse((String) c.eval("JSON.stringify(window.NCD_SEARCH.map(x => x[4]))"))) {
            String url = out.resolve("x").toUri().resolve((String) href).toString();
            if (!resolves(url)) problems.add("search index: " + href + " leads nowhere");
        }
        c.navigate(block);

        // the source, highlighted, with its call linked to the stdlib
        Map<?, ?> src = info(c, "{kw: document.querySelectorAll('pre.source .kw').length, ty: document.querySelectorAll('pre.source .ty').length,"
                + " lines: document.querySelectorAll('pre.source .line[id^=L]').length,"
                + " calls: [...document.querySelectorAll('pre.source a.call')].map(a => a.href),"
                + " rel: [...document.querySelectorAll('p.rel a')].map(a => a.href)}");
        if (num(src, "kw") < 2 || num(src, "ty") < 2 || num(src, "lines") < 3) problems.add("Block.html: the source is not highlighted: " + src);
        List<?> calls = (List<?>) src.get("calls");
        if (calls.size() != 1 || !((String) calls.get(0)).endsWith("/std.attention/EncoderBlock.html") || !resolves((String) calls.get(0))) {
            problems.add("Block.html: the call in its source links to " + calls);
        }
        if (((List<?>) src.get("rel")).stream().noneMatch(l -> ((String) l).endsWith("/examples.transformer/Encoder.html"))) {
            problems.add("Block.html: 'Called by' does not link Encoder: " + src.get("rel"));
        }

        // diagrams: zoom buttons; fitted, nothing cut off; + makes the drawing bigger
        Map<?, ?> d = info(c, "(() => { const f = [...document.querySelectorAll('.diagram')]; const last = f[f.length - 1];"
                + " const svg = last.querySelector('svg'); const tools = last.previousElementSibling;"
                + " const btn = t => [...tools.querySelectorAll('button')].find(b => b.textContent === t);"
                + " btn('Fit').click(); const fit = svg.getBoundingClientRect().width;"
                + " btn('+').click(); const zoomed = svg.getBoundingClientRect().width;"
                // a drawing laid out to read at 100% may fit the frame even zoomed once: zoom on until it is wider
                + " for (let i = 0; i < 20 && svg.getBoundingClientRect().width <= last.clientWidth; i++) btn('+').click();"
                + " return {frames: f.length, tools: document.querySelectorAll('.dz-tools').length, fit, zoomed,"
                + " room: last.clientWidth, scrolls: last.scrollWidth > last.clientWidth, overflow: getComputedStyle(last).overflowX}; })()");
        if (num(d, "frames") < 2 || num(d, "tools") != num(d, "frames")) problems.add("Block.html: diagrams without zoom buttons: " + d);
        double fit = ((Number) d.get("fit")).doubleValue();
        double zoomed = ((Number) d.get("zoomed")).doubleValue();
        if (fit > num(d, "room") + 1 || Math.abs(zoomed / fit - 1.25) > 0.02 || !Boolean.TRUE.equals(d.get("scrolls")) || !"auto".equals(d.get("overflow"))) {
            problems.add("Block.html: Fit does not fit the frame or + does not zoom into a scrolling frame: " + d);
        }

        // a Markdown table from a doc comment
        c.navigate(out.resolve("examples.transformer.html").toUri().toString());
        Map<?, ?> table = info(c, "{rows: document.querySelectorAll('.doc table tbody tr').length,"
                + " head: [...document.querySelectorAll('.doc table th')].map(t => t.textContent),"
                + " text: (document.querySelector('.doc table') || {}).textContent || ''}");
        if (num(table, "rows") < 6 || !List.of("instance path", "shape", "PyTorch").equals(table.get("head"))
                || !((String) table.get("text")).contains("self_attn.in_proj_weight")) {
            problems.add("examples.transformer.html: the parameter-mapping comment is not a table: " + table);
        }

        // a guide page
        c.navigate(out.resolve("guide/language.html").toUri().toString());
        Map<?, ?> guide = info(c, "{h1: (document.querySelector('main h1') || {}).textContent, toc: document.querySelectorAll('#sidebar .toc a').length,"
                + " code: document.querySelectorAll('main pre code').length, tables: document.querySelectorAll('main table').length}");
        if (guide.get("h1") == null || num(guide, "toc") < 10 || num(guide, "code") < 5 || num(guide, "tables") < 1) {
            problems.add("guide/language.html is not the language reference: " + guide);
        }

        // 420 px wide
        c.viewport(420, 900, 2, true);
        for (String page : List.of("index.html", "examples.transformer.html", "examples.transformer/Block.html", "std.attention.html",
                "guide/language.html", "guide/errors.html")) {
            c.navigate(out.resolve(page).toUri().toString());
            Map<?, ?> narrow = info(c, "{sw: document.documentElement.scrollWidth, iw: window.innerWidth,"
                    + " side: getComputedStyle(document.getElementById('sidebar')).display,"
                    + " toggle: document.getElementById('nav-toggle').offsetWidth > 0}");
            if (num(narrow, "sw") > num(narrow, "iw") + 1) problems.add(page + " at 420 px scrolls sideways: " + narrow);
            if (!"none".equals(narrow.get("side")) || !Boolean.TRUE.equals(narrow.get("toggle"))) {
                problems.add(page + " at 420 px: the sidebar is not folded behind a toggle: " + narrow);
            }
        }
        c.navigate(block);
        Map<?, ?> open = info(c, "(() => { document.getElementById('nav-toggle').click(); const s = document.getElementById('sidebar');"
                + " const r = s.getBoundingClientRect(); const t = document.getElementById('nav-toggle').getBoundingClientRect();"
                + " const hit = document.elementFromPoint(t.left + t.width / 2, t.top + t.height / 2);"
                + " return {display: getComputedStyle(s).display, left: r.left, right: r.right, top: r.top, bar: document.querySelector('.top').getBoundingClientRect().bottom,"
                + " iw: window.innerWidth, links: s.querySelectorAll('a').length, toggleShows: !!(hit && hit.closest('#nav-toggle')),"
                + " expanded: document.getElementById('nav-toggle').getAttribute('aria-expanded')}; })()");
        if (!"block".equals(open.get("display")) || num(open, "right") > num(open, "iw") || num(open, "left") < 0 || num(open, "links") < 10
                || !"true".equals(open.get("expanded")) || num(open, "top") < num(open, "bar") - 1 || !Boolean.TRUE.equals(open.get("toggleShows"))) {
            problems.add("Block.html at 420 px: the toggle does not open the sidebar on the screen below the top bar: " + open);
        }
        Files.write(shots.resolve("examples-Block-sidebar-420.png"), c.screenshot(false));
        if (!"none".equals(c.eval("document.getElementById('nav-toggle').click(), getComputedStyle(document.getElementById('sidebar')).display"))) {
            problems.add("Block.html at 420 px: the toggle does not close the sidebar");
        }
        c.navigate(block);
        Map<?, ?> phone = search(c, "multihead");
        List<?> pl = (List<?>) phone.get("links");
        if (pl.isEmpty() || !((String) pl.get(0)).endsWith("/std.attention/MultiHead.html")
                || ((Number) phone.get("left")).doubleValue() < 0 || ((Number) phone.get("right")).doubleValue() > num(phone, "innerWidth")) {
            problems.add("search at 420 px: 'multihead' finds " + pl + " in a list at " + phone.get("left") + ".." + phone.get("right"));
        }
        Files.write(shots.resolve("examples-search-420.png"), c.screenshot(false));
    }

    private static void shoot(Chromium c, Path page, Path png, boolean phone, boolean fullPage, List<String> problems) throws Exception {
        if (phone) c.viewport(390, 844, 2, true); else c.viewport(1280, 900, 1, false);
        c.navigate(page.toUri().toString());
        if (phone) {
            Map<?, ?> info = (Map<?, ?>) Json.parse((String) c.eval(PAGE_INFO));
            int sw = ((Number) info.get("scrollWidth")).intValue();
            int iw = ((Number) info.get("innerWidth")).intValue();
            if (sw > iw + 1) problems.add(page.getFileName() + " on a phone: the page scrolls sideways (" + sw + " > " + iw + " px)");
        }
        Files.write(png, c.screenshot(fullPage));
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) Files.delete(x);
        }
    }
}
