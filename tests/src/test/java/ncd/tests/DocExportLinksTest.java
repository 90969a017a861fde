package ncd.tests;

import onnx.Onnx.ModelProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ncdc doc} links each circuit's interchange files from its page (issue 18, Deliver 5): the ONNX model of a
 * feed-forward circuit and the NIR graph of a spiking one, the same bytes {@code ncdc export} writes, and for a format
 * a circuit does not export to, the reason.
 */
class DocExportLinksTest {
    @Test void eachCircuitPageLinksItsExports(@TempDir Path dir) throws Exception {
        Path site = dir.resolve("site");
        Ncdc.Result r = Ncdc.run("doc", Repo.root().resolve("examples/mlp.ncd").toString(), Repo.root().resolve("stdlib/std/lif.ncd").toString(),
                "-o", site.toString(), "--no-guide");
        assertEquals(0, r.exit(), r.err());

        Path onnx = site.resolve("examples.mlp/Classifier.onnx");
        String page = Files.readString(site.resolve("examples.mlp/Classifier.html"));
        assertTrue(page.contains("<h2 id=\"export\">Export</h2>") && page.contains("href=\"Classifier.onnx\" download"), page);
        ModelProto model = ModelProto.parseFrom(Files.readAllBytes(onnx));
        assertEquals("Classifier", model.getGraph().getName());
        Path exported = dir.resolve("c.onnx");
        assertEquals(0, Ncdc.run("export", Repo.root().resolve("examples/mlp.ncd").toString(), "--circuit", "Classifier", "--format", "onnx",
                "-o", exported.toString()).exit());
        assertArrayEquals(Files.readAllBytes(exported), Files.readAllBytes(onnx), "the site's model is what ncdc export writes");

        byte[] nir = Files.readAllBytes(site.resolve("std.lif/LIF.nir"));
        assertArrayEquals(new byte[] {(byte) 0x89, 'H', 'D', 'F'}, Arrays.copyOf(nir, 4), "an HDF5 file");
        String lif = Files.readString(site.resolve("std.lif/LIF.html"));
        assertTrue(lif.contains("href=\"LIF.nir\" download") && lif.contains("ONNX: <span class=\"muted\">not exported: "), lif);
    }
}
