package ncd.tests;

import ncd.api.Circuit;
import ncd.api.Compiled;
import ncd.api.Ncd;
import ncd.runtime.Npy;
import ncd.runtime.NpyArray;
import ncd.runtime.Npz;
import ncd.runtime.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * examples/transformer.ncd's {@code Block} computes what PyTorch's nn.TransformerEncoderLayer computes: with the
 * weights and input that benchmarks/peers/make_transformer_fixture.py exported (tests/fixtures/transformer/), the
 * interpreter's output matches PyTorch's to 1e-4, through the Java API and through {@code ncdc run}.
 */
class TransformerFixtureTest {
    private static final double TOLERANCE = 1e-4;
    private static final String CIRCUIT = "Block";

    private static Path example() { return Repo.root().resolve("examples/transformer.ncd"); }

    private static Path fixture(String name) { return Repo.root().resolve("tests/fixtures/transformer").resolve(name); }

    /** PyTorch's output, as an f32 tensor of the circuit's output type. */
    private static Tensor expected(Tensor like) throws Exception {
        return Npy.toTensor(Npy.read(fixture("output.npy")), like.type(), "torch output");
    }

    @Test void apiMatchesPyTorch() throws Exception {
        Compiled prog = Ncd.compile(example());
        Circuit block = prog.circuit(CIRCUIT, Map.of(), 0);

        Map<String, Tensor> params = block.params();
        Map<String, NpyArray> arrays = Npz.read(fixture("params.npz"));
        assertEquals(new TreeSet<>(params.keySet()), new TreeSet<>(arrays.keySet()),
                "params.npz must hold exactly the parameters of " + CIRCUIT + ", so that none keeps its random init");
        Set<String> unchanged = new TreeSet<>();
        for (Map.Entry<String, NpyArray> e : arrays.entrySet()) {
            Tensor drawn = params.get(e.getKey());
            Tensor value = Npy.toTensor(e.getValue(), drawn.type(), "parameter " + e.getKey());
            block.setParam(e.getKey(), value);
            if (block.params().get(e.getKey()).maxAbsDiff(value) != 0) unchanged.add(e.getKey());
        }
        assertTrue(unchanged.isEmpty(), "setParam did not take for " + unchanged);

        String input = block.inputs().get(0);
        assertEquals("x", input);
        Tensor x = Npy.toTensor(Npy.read(fixture("input.npy")), block.graph().inputs().get(0).type(), "input x");
        Tensor y = block.call(x);
        double err = y.maxAbsDiff(expected(y));
        System.out.printf("TransformerFixtureTest (API): max |ncd - torch| = %.3g over %d values%n", err, y.size());
        assertTrue(err <= TOLERANCE, "max |ncd - torch| = " + err + " > " + TOLERANCE);
    }

    @Test void cliRunMatchesPyTorch(@TempDir Path out) throws Exception {
        Ncdc.Result r = Ncdc.run("run", example().toString(), "--circuit", CIRCUIT,
                "--input", "x=" + fixture("input.npy"), "--params", fixture("params.npz").toString(),
                "--out", out.toString());
        assertEquals(0, r.exit(), r.describe());
        assertTrue(!r.err().contains("not given"), "every input must come from the fixture\n" + r.describe());

        Circuit block = Ncd.compile(example()).circuit(CIRCUIT, Map.of(), 0);
        ncd.ir.Graph.Output output = block.graph().outputs().get(0);
        Tensor y = Npy.toTensor(Npy.read(out.resolve(output.name() + ".npy")), output.node().type(), "ncdc run output");
        double err = y.maxAbsDiff(expected(y));
        System.out.printf("TransformerFixtureTest (ncdc run): max |ncd - torch| = %.3g over %d values%n", err, y.size());
        assertTrue(err <= TOLERANCE, "max |ncd - torch| = " + err + " > " + TOLERANCE);
    }
}
