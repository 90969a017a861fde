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
 * reach every generated page, link only to files that exist (no external resources), and show each diagram as an
 * SVG of non-zero size with its IR ids. On a phone-sized viewport the page itself must not scroll sideways (wide
 * diagrams scroll inside their frame). Screenshots are kept in tests/target/doc-site/screenshots/.
 */
class DocSiteTest {
    private static final String PAGE_INFO = String.join("\n",
            "JSON.stringify({",
            "  css: getComputedStyle(document.querySelector('main')).maxWidth,",
            "  diagrams: [...document.querySelectorAll('svg.ncd-diagram')].map(s => { const r = s.getBoundingClientRect();",
            "    const cs = getComputedStyle(s); return {w: r.width, h: r.height, visible: cs.visibility === 'visible' && cs.display !== 'none',",
            "    nodes: s.querySelectorAll('g.node').length, edges: s.querySelectorAll('g.edge').length}; }),",
            "  links: [...document.querySelectorAll('a[href]')].map(a => a.href),",
            "  resources: [...document.querySelectorAll('link[href], script[src], img[src], iframe[src], object[data]')]",
            "    .map(e => e.href || e.src || e.data),",
            "  scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth",
            "})");

    @Test void stdlibSiteReadsInChromium() throws Exception {
        checkSite("stdlib", Repo.root().resolve("stdlib"), "std.attention/MultiHead.html", "std.lif/LIF.html");
    }

    @Test void examplesSiteReadsInChromium() throws Exception {
        checkSite("examples", Repo.root().resolve("examples"), "examples.transformer/Block.html", null);
    }

    private static void checkSite(String name, Path sources, String showcase, String second) throws Exception {
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
        Ncdc.Result r = Ncdc.run("doc", sources.toString(), "-o", out.toString());
        assertEquals(0, r.exit(), () -> "ncdc doc " + sources + " failed\n" + r.describe());

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
        }
        assertTrue(problems.isEmpty(), () -> problems.size() + " problems in the " + name + " site:\n  " + String.join("\n  ", problems));
        assertTrue(visited.size() >= 5, "the crawl visited only " + visited);
        assertTrue(diagrams >= 3, "only " + diagrams + " diagrams in the site");
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
