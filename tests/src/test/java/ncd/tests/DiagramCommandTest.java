package ncd.tests;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ncdc diagram} from the command line: formats by extension, engines, and its usage errors. */
class DiagramCommandTest {
    private static String stdlib(String f) { return Repo.root().resolve("stdlib/std/" + f).toString(); }

    @Test void dotOnStdoutByDefault() {
        Ncdc.Result r = Ncdc.run("diagram", stdlib("nn.ncd"), "--circuit", "Linear", "--axis", "I=3,O=2");
        assertEquals(0, r.exit(), r::describe);
        assertTrue(r.out().startsWith("digraph \"Linear\" {"), r::describe);
        assertTrue(r.out().contains("<B>⊗ W</B>"), r::describe);
    }

    @Test void svgPngAndDotFilesWithTheEmbeddedEngine(@TempDir Path dir) throws Exception {
        for (String ext : new String[] {"svg", "png", "dot"}) {
            Path out = dir.resolve("lif." + ext);
            Ncdc.Result r = Ncdc.run("diagram", stdlib("lif.ncd"), "--circuit", "LIF", "--axis", "N=3", "--engine", "v8",
                    "-o", out.toString());
            assertEquals(0, r.exit(), r::describe);
            byte[] b = Files.readAllBytes(out);
            String head = new String(b, 0, Math.min(b.length, 200), StandardCharsets.ISO_8859_1);
            switch (ext) {
                case "svg": assertTrue(Files.readString(out).contains("id=\"z0\""), head); break;
                case "png": assertTrue(head.startsWith("\u0089PNG"), head); break;
                default: assertTrue(head.startsWith("digraph \"LIF\""), head);
            }
        }
    }

    @Test void depthCollapsesSubCircuits() {
        Ncdc.Result r = Ncdc.run("diagram", Repo.root().resolve("examples/transformer.ncd").toString(), "--circuit", "Block",
                "--depth", "0");
        assertEquals(0, r.exit(), r::describe);
        assertTrue(r.out().contains("shape=\"box3d\""), r::describe);
        assertTrue(!r.out().contains("subgraph"), r::describe);
    }

    @Test void usageErrors() {
        Ncdc.Result ext = Ncdc.run("diagram", stdlib("nn.ncd"), "--circuit", "Linear", "--axis", "I=3,O=2", "-o", "x.jpeg");
        assertEquals(2, ext.exit(), ext::describe);
        assertTrue(ext.err().contains("OUT.svg, OUT.png, OUT.dot"), ext::describe);
        Ncdc.Result which = Ncdc.run("diagram", stdlib("nn.ncd"));
        assertEquals(2, which.exit(), which::describe);
        assertTrue(which.err().contains("error[E0803]") && which.err().contains("say which to draw with --circuit")
                && which.err().contains("its circuits: Linear, MLP"), which::describe);
        Ncdc.Result depth = Ncdc.run("diagram", stdlib("nn.ncd"), "--circuit", "Linear", "--depth", "-1");
        assertEquals(2, depth.exit(), depth::describe);
        assertTrue(depth.err().contains("error[E0803]: --depth must be 0 or more"), depth::describe);
        Ncdc.Result json = Ncdc.run("diagram", stdlib("nn.ncd"), "--diagnostics=json");
        assertEquals(2, json.exit(), json::describe);
        assertTrue(json.err().contains("\"code\":\"E0803\""), "a usage error found by ncdc is a diagnostic, in JSON too\n" + json.describe());
    }

    /** Axes without --axis are drawn with sample sizes, as ncdc doc draws them, and a note names them. */
    @Test void missingAxisSizesAreSampled() {
        Ncdc.Result r = Ncdc.run("diagram", stdlib("nn.ncd"), "--circuit", "Linear");
        assertEquals(0, r.exit(), r::describe);
        assertEquals("note: Linear drawn with sample sizes I=2, O=3 (no --axis for I, O); give --axis NAME=SIZE to choose them\n", r.err());
        assertTrue(r.out().contains("I:2") && r.out().contains("O:3"), r::describe);
        Ncdc.Result one = Ncdc.run("diagram", stdlib("nn.ncd"), "--circuit", "Linear", "--axis", "I=5");
        assertEquals(0, one.exit(), one::describe);
        assertTrue(one.err().contains("sample sizes O=2 (no --axis for O)"), one::describe);
        assertTrue(one.out().contains("I:5") && one.out().contains("O:2"), one::describe);
        Ncdc.Result given = Ncdc.run("diagram", stdlib("nn.ncd"), "--circuit", "Linear", "--axis", "I=5,O=7");
        assertEquals("", given.err(), given::describe);
    }
}
