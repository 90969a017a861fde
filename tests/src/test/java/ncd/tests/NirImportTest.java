package ncd.tests;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import ncd.diag.Diagnostics;
import ncd.driver.Compilation;
import ncd.interop.NirRead;
import ncd.interp.Interpreter;
import ncd.ir.Attr;
import ncd.ir.Graph;
import ncd.ir.Node;
import ncd.ir.Op;
import ncd.runtime.BackendOptions;
import ncd.runtime.Backends;
import ncd.runtime.Npy;
import ncd.runtime.NpyArray;
import ncd.runtime.Npz;
import ncd.runtime.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ncdc import} of NIR graphs (docs/interop.md, "Importing NIR"): every circuit {@code ncdc export --format nir}
 * takes, exported, imported and run, spikes as the original's step for step on seeded input; the h5py-written fixture
 * tests/fixtures/interop/recurrent.nir (Affine -> CubaLIF with a recurrent Affine -> Affine -> LIF, and Scale ->
 * Threshold), run and compared with the spikes benchmarks/peers/nir_fixture.py computed by numpy from NIR's
 * equations; and the refusals (E0810, nothing written).
 */
class NirImportTest {
    private static final Path SNN = Repo.root().resolve("tests/fixtures/interop/snn.ncd");
    private static final Path FIXTURE = Repo.root().resolve("tests/fixtures/interop/recurrent.nir");
    private static final int STEPS = 400;

    private static Graph prepared(Path file, String circuit) {
        Diagnostics d = new Diagnostics();
        Compilation c = new Compilation(d);
        Graph lowered = c.load(file).flatMap(p -> c.lower(p, circuit, Map.of())).orElseThrow(() -> new AssertionError(d.sorted().toString()));
        return c.prepare(lowered, Backends.named("interp").orElseThrow(), BackendOptions.defaults(), 0).orElseThrow();
    }

    /** The imported module on the interpreter, with its parameters from the .npz beside it (when it has any). */
    private static Interpreter imported(Path ncd) throws Exception {
        Ncdc.Result check = Ncdc.run("check", ncd.toString());
        assertEquals(0, check.exit(), check.describe());
        Graph g = prepared(ncd, "Net");
        Interpreter interp = new Interpreter(g, 0);
        Path npz = ncd.resolveSibling(ncd.getFileName().toString().replace(".ncd", ".npz"));
        List<String> declared = new ArrayList<>();
        for (Node n : g.nodes()) if (n.op() == Op.PARAM && !declared.contains(((Attr.Param) n.attr()).name())) declared.add(((Attr.Param) n.attr()).name());
        assertEquals(!declared.isEmpty(), Files.exists(npz), "a parameter file exactly when the module has parameters");
        if (declared.isEmpty()) return interp;
        Map<String, NpyArray> values = Npz.read(npz);
        assertEquals(declared.stream().sorted().toList(), values.keySet().stream().sorted().toList());
        for (Node n : g.nodes()) {
            if (n.op() != Op.PARAM) continue;
            String name = ((Attr.Param) n.attr()).name();
            interp.setParam(name, Npy.toTensor(values.get(name), n.type(), name));
        }
        return interp;
    }

    private static Path importNir(Path nir, Path out) {
        Ncdc.Result r = Ncdc.run("import", nir.toString(), "-o", out.toString());
        assertEquals(0, r.exit(), r.describe());
        assertTrue(r.err().isEmpty(), r.describe());
        return out;
    }

    @Test void lifDrivenByACurrentRoundTripsSpikeForSpike(@TempDir Path dir) throws Exception {
        Ncdc.Result e = Ncdc.run("export", SNN.toString(), "--circuit", "Neurons", "--format", "nir", "-o", dir.resolve("n.nir").toString());
        assertEquals(0, e.exit(), e.describe());
        Interpreter back = imported(importNir(dir.resolve("n.nir"), dir.resolve("n.ncd")));
        assertFalse(Files.exists(dir.resolve("n.npz")), "the LIF's values are all constants");
        Graph g = prepared(SNN, "Neurons");
        Interpreter orig = new Interpreter(g, 0);
        Random rnd = new Random(11);
        int spikes = 0;
        for (int t = 0; t < 3 * STEPS; t++) {
            float[] x = new float[5];
            for (int i = 0; i < 5; i++) x[i] = (float) (2 + 2.5 * rnd.nextDouble());      // nA, as the export's r takes it
            boolean[] want = orig.step(Map.of("I", Tensor.of(g.inputs().get(0).type(), x))).get("out").bools();
            boolean[] got = back.step(Map.of("input", Tensor.of(back.graph().inputs().get(0).type(), x))).get("out").bools();
            assertArrayEquals(want, got, "step " + t);
            for (boolean b : want) if (b) spikes++;
        }
        assertTrue(spikes > 20, "the input makes the neurons spike: " + spikes);
    }

    @Test void expSynapseIntoLifRoundTripsSpikeForSpike(@TempDir Path dir) throws Exception {
        synapticRoundTrip("Net", dir);
    }

    @Test void aRecurrentSynapseRoundTripsAsAnEdgeBackIntoTheCubaLif(@TempDir Path dir) throws Exception {
        NirRead.NirGraph nir = synapticRoundTrip("Recurrent", dir);
        assertEquals(List.of("input>linear", "linear>lif", "lif>recurrent", "recurrent>lif", "lif>output"),
                nir.edges().stream().map(e -> e[0] + ">" + e[1]).toList());
        // the recurrent Linear is q W of the population onto itself, [post, pre]
        Interpreter orig = new Interpreter(prepared(SNN, "Recurrent"), 3);
        Tensor w = orig.params().get("rec.W");
        String post = w.type().axisNames().get(0).equals("neuron") ? w.type().axisNames().get(1) : w.type().axisNames().get(0);
        Tensor wt = w.transposeTo(List.of(post, "neuron"));
        double[] got = nir.nodes().get("recurrent").params().get("weight").data();
        for (int i = 0; i < got.length; i++) assertEquals((float) (1e-9 * wt.get(i)), (float) got[i], "rec weight " + i);
    }

    /** Exports {@code circuit} (spikes in, CubaLIF out), imports it, and compares 400 steps of seeded input spike for spike. */
    private static NirRead.NirGraph synapticRoundTrip(String circuit, Path dir) throws Exception {
        Path nir = dir.resolve(circuit + ".nir");
        Ncdc.Result e = Ncdc.run("export", SNN.toString(), "--circuit", circuit, "--format", "nir", "--seed", "3", "-o", nir.toString());
        assertEquals(0, e.exit(), e.describe());
        Interpreter back = imported(importNir(nir, dir.resolve(circuit.toLowerCase(java.util.Locale.ROOT) + ".ncd")));
        Graph g = prepared(SNN, circuit);
        Interpreter orig = new Interpreter(g, 3);
        Random rnd = new Random(12);
        int spikes = 0;
        for (int t = 0; t < STEPS; t++) {
            boolean[] s = new boolean[3];
            float[] x = new float[3];
            for (int j = 0; j < 3; j++) {
                s[j] = rnd.nextDouble() < 0.5;
                x[j] = s[j] ? 1 : 0;
            }
            boolean[] want = orig.step(Map.of("s", Tensor.of(g.inputs().get(0).type(), s))).get("out").bools();
            boolean[] got = back.step(Map.of("input", Tensor.of(back.graph().inputs().get(0).type(), x))).get("out").bools();
            assertArrayEquals(want, got, circuit + ", step " + t);
            for (boolean b : want) if (b) spikes++;
        }
        assertTrue(spikes > 20, "the input makes the neurons spike: " + spikes);
        return NirRead.read(nir);
    }

    @Test void anH5pyWrittenRecurrentGraphRunsAsNumpySimulatesNirsEquations(@TempDir Path dir) throws Exception {
        Path ncd = importNir(FIXTURE, dir.resolve("rec.ncd"));
        String text = Files.readString(ncd);
        assertTrue(text.contains("state prev_rec") && text.contains("param tau_syn: f32[n_fc1] in s"), text);
        Interpreter back = imported(ncd);
        Map<String, NpyArray> run = Npz.read(Repo.root().resolve("tests/fixtures/interop/recurrent_run.npz"));
        float[] in = (float[]) run.get("input").data();
        boolean[] out = (boolean[]) run.get("output").data();
        boolean[] thr = (boolean[]) run.get("spikes").data();
        int steps = run.get("input").shape()[0], outSpikes = 0;
        for (int t = 0; t < steps; t++) {
            float[] x = java.util.Arrays.copyOfRange(in, 4 * t, 4 * t + 4);
            Map<String, Tensor> r = back.step(Map.of("input", Tensor.of(back.graph().inputs().get(0).type(), x)));
            assertArrayEquals(java.util.Arrays.copyOfRange(out, 3 * t, 3 * t + 3), r.get("output").bools(), "LIF spikes at step " + t);
            assertArrayEquals(java.util.Arrays.copyOfRange(thr, 4 * t, 4 * t + 4), r.get("spikes").bools(), "thresholds at step " + t);
            for (boolean b : r.get("output").bools()) if (b) outSpikes++;
        }
        assertTrue(outSpikes > 50, "the output spikes: " + outSpikes);
    }

    @Test void anUnmappedNodeIsE0810NamingItAndNothingIsWritten(@TempDir Path dir) throws Exception {
        Path nir = dir.resolve("conv.nir");
        try (WritableHdfFile f = HdfFile.write(nir)) {
            f.putDataset("version", "1.0.0");
            WritableGroup node = f.putGroup("node");
            node.putDataset("type", "NIRGraph");
            WritableGroup nodes = node.putGroup("nodes");
            WritableGroup in = nodes.putGroup("input");
            in.putDataset("type", "Input");
            in.putDataset("shape", new long[]{4});
            WritableGroup conv = nodes.putGroup("conv1");
            conv.putDataset("type", "Conv1d");
            conv.putDataset("weight", new float[][]{{1, 2}});
            WritableGroup out = nodes.putGroup("output");
            out.putDataset("type", "Output");
            out.putDataset("shape", new long[]{4});
            node.putDataset("edges", new String[][]{{"input", "conv1"}, {"conv1", "output"}});
        }
        Path ncd = dir.resolve("conv.ncd");
        Ncdc.Result r = Ncdc.run("import", nir.toString(), "--dt", "1ms", "-o", ncd.toString());
        assertEquals(1, r.exit(), r.describe());
        assertTrue(r.err().contains("error[E0810]") && r.err().contains("node `conv1` (Conv1d)") && r.err().contains("CubaLIF"), r.describe());
        assertFalse(Files.exists(ncd) || Files.exists(dir.resolve("conv.npz")));
        // without --dt and no dt in the file: the step is asked for
        r = Ncdc.run("import", nir.toString(), "-o", ncd.toString());
        assertEquals(2, r.exit(), r.describe());
        assertTrue(r.err().contains("error[E0803]") && r.err().contains("--dt"), r.describe());
        // not HDF5 at all
        Path junk = dir.resolve("junk.nir");
        Files.writeString(junk, "not hdf5");
        r = Ncdc.run("import", junk.toString(), "-o", ncd.toString());
        assertEquals(1, r.exit(), r.describe());
        assertTrue(r.err().contains("error[E0802]") && r.err().contains("not an HDF5 file"), r.describe());
        r = Ncdc.run("import", dir.resolve("absent.nir").toString(), "-o", ncd.toString());
        assertEquals(1, r.exit(), r.describe());
        assertTrue(r.err().contains("error[E0802]") && r.err().contains("no such file"), r.describe());
        assertFalse(Files.exists(ncd));
    }

    @Test void sizesThatDisagreeAlongAnEdgeAreE0810NamingTheNode(@TempDir Path dir) throws Exception {
        Path nir = dir.resolve("mismatch.nir");
        try (WritableHdfFile f = HdfFile.write(nir)) {
            f.putDataset("version", "1.0.0");
            WritableGroup node = f.putGroup("node");
            node.putDataset("type", "NIRGraph");
            WritableGroup nodes = node.putGroup("nodes");
            WritableGroup in = nodes.putGroup("input");
            in.putDataset("type", "Input");
            in.putDataset("shape", new long[]{3});
            WritableGroup fc = nodes.putGroup("fc");
            fc.putDataset("type", "Linear");
            fc.putDataset("weight", new float[][]{{1, 2, 3, 4}, {5, 6, 7, 8}});
            WritableGroup out = nodes.putGroup("output");
            out.putDataset("type", "Output");
            node.putDataset("edges", new String[][]{{"input", "fc"}, {"fc", "output"}});
            node.putGroup("metadata").putDataset("dt", new double[]{1e-3});
        }
        Ncdc.Result r = Ncdc.run("import", nir.toString(), "-o", dir.resolve("m.ncd").toString());
        assertEquals(1, r.exit(), r.describe());
        assertTrue(r.err().contains("error[E0810]") && r.err().contains("node `fc` (Linear) receives 3 values from `input` where it takes 4"), r.describe());
        assertFalse(Files.exists(dir.resolve("m.ncd")));
    }
}
