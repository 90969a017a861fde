package ncd.tests;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The module graph of docs/architecture.md, read from the poms: data flows one way (a module depends only on modules
 * before it in the pipeline order), the api depends on neither the command line nor the renderer, and no backend
 * depends on the pass pipeline or the frontend outside its tests.
 */
class ModuleGraphTest {
    /** The pipeline order: a module may depend on the ones before it. */
    private static final List<String> ORDER = List.of("ir", "grammar", "stdlib", "frontend", "passes", "diagrams",
            "backends/runtime", "backends/interp", "backends/jvm", "backends/cuda", "api", "interop", "lsp", "cli", "benchmarks/jmh", "tests");

    private record Dep(String groupId, String artifactId, String scope) {
        boolean ncd() { return "ncd".equals(groupId); }
        boolean main() { return !"test".equals(scope); }
    }

    @Test void everyModuleDependsOnlyOnModulesBeforeIt() throws Exception {
        Map<String, String> moduleOfArtifact = new LinkedHashMap<>();
        for (String m : ORDER) moduleOfArtifact.put(artifactId(m), m);
        assertEquals(ORDER.size(), moduleOfArtifact.size(), "every module in the order has its own pom");
        for (int i = 0; i < ORDER.size(); i++) {
            for (Dep d : deps(ORDER.get(i))) {
                if (!d.ncd() || !d.main()) continue;
                String target = moduleOfArtifact.get(d.artifactId());
                assertTrue(target != null, ORDER.get(i) + " depends on " + d.artifactId() + ", which is not in the pipeline order");
                assertTrue(ORDER.indexOf(target) < i, ORDER.get(i) + " depends on " + target + ", which comes after it: data flows one way");
            }
        }
    }

    @Test void theApiHasNoCommandLineAndNoRenderer() throws Exception {
        for (Dep d : deps("api")) {
            if (!d.main()) continue;
            assertTrue(!List.of("ncd-cli", "ncd-diagrams", "picocli", "jfreechart", "org.jfree.svg").contains(d.artifactId()) && !d.artifactId().startsWith("j2v8"),
                    "api depends on " + d.artifactId());
        }
    }

    @Test void noBackendRunsThePassPipelineOrTheFrontend() throws Exception {
        for (String b : List.of("backends/runtime", "backends/interp", "backends/jvm")) {
            for (Dep d : deps(b)) {
                if (!d.main()) continue;
                assertTrue(!List.of("ncd-passes", "ncd-frontend", "ncd-api").contains(d.artifactId()),
                        b + " depends on " + d.artifactId() + " outside its tests: a backend receives an optimised graph");
            }
        }
    }

    @Test void theRootPomBuildsModulesInThePipelineOrder() throws Exception {
        List<String> listed = new ArrayList<>();
        for (Element e : children(pom(""), "modules", "module")) {
            String m = e.getTextContent().strip();
            if (m.equals("backends")) for (Element b : children(pom("backends"), "modules", "module")) listed.add("backends/" + b.getTextContent().strip());
            else listed.add(m);
        }
        assertEquals(ORDER, listed);
    }

    private static String artifactId(String module) throws Exception {
        for (Node n = pom(module).getDocumentElement().getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals("artifactId")) return e.getTextContent().strip();
        }
        throw new AssertionError(module + "/pom.xml has no artifactId");
    }

    private static List<Dep> deps(String module) throws Exception {
        List<Dep> out = new ArrayList<>();
        for (Element d : children(pom(module), "dependencies", "dependency")) {
            out.add(new Dep(text(d, "groupId"), text(d, "artifactId"), text(d, "scope")));
        }
        return out;
    }

    /** The {@code child} elements of the top-level {@code parent} element (not those under dependencyManagement). */
    private static List<Element> children(Document pom, String parent, String child) {
        List<Element> out = new ArrayList<>();
        for (Node n = pom.getDocumentElement().getFirstChild(); n != null; n = n.getNextSibling()) {
            if (!(n instanceof Element p) || !p.getTagName().equals(parent)) continue;
            NodeList kids = p.getChildNodes();
            for (int i = 0; i < kids.getLength(); i++) if (kids.item(i) instanceof Element k && k.getTagName().equals(child)) out.add(k);
        }
        return out;
    }

    private static String text(Element e, String tag) {
        NodeList l = e.getElementsByTagName(tag);
        return l.getLength() == 0 ? null : l.item(0).getTextContent().strip();
    }

    private static Document pom(String module) throws Exception {
        Path p = Repo.root().resolve(module.isEmpty() ? "pom.xml" : module + "/pom.xml");
        assertTrue(Files.isRegularFile(p), p + " is missing");
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(p.toFile());
    }
}
