package ncd.tests;

import ncd.diag.Diagnostics;
import ncd.driver.Compilation;
import ncd.interp.Interpreter;
import ncd.ir.Graph;
import ncd.ir.Node;
import ncd.runtime.BackendOptions;
import ncd.runtime.Backends;
import ncd.runtime.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code ncdc export --format nir} (docs/interop.md, "NIR") on tests/fixtures/interop/snn.ncd: the file read by h5py
 * in benchmarks/peers/nir_check.py, its graph and parameters compared with what this test knows from std.lif's
 * constants and the drawn weights, and the graph run by NIR's reference equations compared spike for spike with the
 * reference interpreter. Skips when Debian's python3-h5py is missing.
 */
class NirExportTest {
    private static final String PYTHON = "/usr/bin/python3";
    private static final Path SNN = Repo.root().resolve("tests/fixtures/interop/snn.ncd");
    private static final int N = 5, PRE = 3, STEPS = 400;
    // std.lif.LIF and ExpSynapse, in SI
    private static final double TAU = 0.02, R = 1e7, V_REST = -0.065, V_TH = -0.05, V_RESET = -0.065, DT = 1e-4, TAU_SYN = 5e-3, Q = 1e-9;

    private static Graph optimised(String circuit) {
        Diagnostics d = new Diagnostics();
        Compilation c = new Compilation(d);
        Graph lowered = c.load(SNN).flatMap(p -> c.lower(p, circuit, Map.of())).orElseThrow(() -> new AssertionError(d.sorted().toString()));
        return c.prepare(lowered, Backends.named("interp").orElseThrow(), BackendOptions.defaults(), 0).orElseThrow();
    }

    private static Path export(String circuit, Path dir) {
        Path out = dir.resolve(circuit + ".nir");
        Ncdc.Result r = Ncdc.run("export", SNN.toString(), "--circuit", circuit, "--format", "nir", "-o", out.toString());
        assertEquals(0, r.exit(), r.describe());
        assertTrue(r.err().isEmpty(), "nothing on stderr (no logging library's warnings): " + r.err());
        return out;
    }

    @Test void lifDrivenByAnInputCurrentIsInputLifOutput(@TempDir Path dir) throws Exception {
        Path file = export("Neurons", dir);
        Graph g = optimised("Neurons");
        Interpreter interp = new Interpreter(g, 0);
        Random rnd = new Random(5);
        List<float[]> ins = new ArrayList<>();
        List<boolean[]> spikes = new ArrayList<>();
        Node in = g.inputs().get(0);
        for (int t = 0; t < STEPS; t++) {
            float[] x = new float[N];
            for (int i = 0; i < N; i++) x[i] = (float) (1 + 2.5 * rnd.nextDouble());      // nA
            ins.add(x);
            spikes.add(interp.step(Map.of("I", Tensor.of(in.type(), x))).get("out").bools());
        }
        String lif = "{\"type\": \"LIF\", \"params\": {\"tau\": " + fill(TAU) + ", \"r\": " + fill(R * 1e-9) + ", \"v_leak\": " + fill(V_REST)
                + ", \"v_threshold\": " + fill(V_TH) + ", \"v_reset\": " + fill(V_RESET) + "}}";
        String json = "{\"nodes\": {\"input\": {\"type\": \"Input\", \"params\": {\"shape\": [" + N + "]}}, \"lif\": " + lif
                + ", \"output\": {\"type\": \"Output\", \"params\": {\"shape\": [" + N + "]}}}, "
                + "\"edges\": [[\"input\", \"lif\"], [\"lif\", \"output\"]], \"dt\": " + num(DT) + ", "
                + "\"inputs\": " + floats(ins) + ", \"spikes\": " + bools(spikes) + "}";
        check(file, json, dir, spikes);
    }

    @Test void expSynapseIntoLifIsLinearIntoCubaLif(@TempDir Path dir) throws Exception {
        synapses("Net", dir);
    }

    @Test void aRecurrentSynapseIsASecondLinearOnAnEdgeBackIntoTheCubaLif(@TempDir Path dir) throws Exception {
        synapses("Recurrent", dir);
    }

    /** Net (input spikes through ExpSynapse into LIF) or Recurrent (plus the population's own spikes a step ago). */
    private static void synapses(String circuit, Path dir) throws Exception {
        Path file = export(circuit, dir);
        Graph g = optimised(circuit);
        Interpreter interp = new Interpreter(g, 0);
        boolean recurrent = circuit.equals("Recurrent");
        String ffPath = recurrent ? "ff.W" : "syn.W";
        double a = Math.exp(-DT / TAU_SYN);
        Random rnd = new Random(6);
        List<float[]> ins = new ArrayList<>();
        List<boolean[]> spikes = new ArrayList<>();
        Node in = g.inputs().get(0);
        for (int t = 0; t < STEPS; t++) {
            boolean[] s = new boolean[PRE];
            float[] x = new float[PRE];
            for (int j = 0; j < PRE; j++) {
                s[j] = rnd.nextDouble() < 0.5;
                x[j] = s[j] ? 1 : 0;
            }
            ins.add(x);
            spikes.add(interp.step(Map.of("s", Tensor.of(in.type(), s))).get("out").bools());
        }
        String cuba = "{\"type\": \"CubaLIF\", \"params\": {\"tau_syn\": " + fill(DT / (1 - a)) + ", \"tau_mem\": " + fill(TAU) + ", \"r\": " + fill(R)
                + ", \"v_leak\": " + fill(V_REST) + ", \"v_threshold\": " + fill(V_TH) + ", \"v_reset\": " + fill(V_RESET)
                + ", \"w_in\": " + fill(1 / (1 - a)) + "}}";
        String json = "{\"nodes\": {\"input\": {\"type\": \"Input\", \"params\": {\"shape\": [" + PRE + "]}}, "
                + "\"linear\": {\"type\": \"Linear\", \"params\": {\"weight\": " + weight(interp, ffPath, "input") + "}}, \"lif\": " + cuba
                + (recurrent ? ", \"recurrent\": {\"type\": \"Linear\", \"params\": {\"weight\": " + weight(interp, "rec.W", "neuron") + "}}" : "")
                + ", \"output\": {\"type\": \"Output\", \"params\": {\"shape\": [" + N + "]}}}, "
                + "\"edges\": [[\"input\", \"linear\"], [\"linear\", \"lif\"], "
                + (recurrent ? "[\"lif\", \"recurrent\"], [\"recurrent\", \"lif\"], " : "") + "[\"lif\", \"output\"]], \"dt\": " + num(DT) + ", "
                + "\"inputs\": " + floats(ins) + ", \"spikes\": " + bools(spikes) + "}";
        check(file, json, dir, spikes);
    }

    /** q W of the parameter {@code path} as a JSON matrix [post, pre], post being the axis other than {@code pre}. */
    private static String weight(Interpreter interp, String path, String pre) {
        Tensor w0 = interp.params().get(path);
        List<String> axes = w0.type().axisNames();
        String post = axes.get(0).equals(pre) ? axes.get(1) : axes.get(0);
        Tensor w = w0.transposeTo(List.of(post, pre));
        int cols = w.type().axes().get(1).size();
        StringBuilder weight = new StringBuilder("[");
        for (int i = 0; i < N; i++) {
            weight.append(i > 0 ? ", [" : "[");
            for (int j = 0; j < cols; j++) weight.append(j > 0 ? ", " : "").append(num(Q * w.get(i * cols + j)));
            weight.append(']');
        }
        return weight.append(']').toString();
    }

    @Test void otherSpikingCircuitsAreRefusedNamingWhatDoesNotMatch(@TempDir Path dir) {
        // Driven computes its current inside (no input); cuba has refractoriness and recurrent synapses
        for (String[] c : new String[][] {{"examples/lif.ncd", "Driven", "takes no input: a NIR graph starts at an Input node"},
                {"examples/cuba.ncd", "CUBA", "takes no input"}}) {
            Path out = dir.resolve(c[1] + ".nir");
            Ncdc.Result r = Ncdc.run("export", Repo.root().resolve(c[0]).toString(), "--circuit", c[1], "--format", "nir", "-o", out.toString());
            assertEquals(1, r.exit(), r.describe());
            assertTrue(r.err().contains("error[E0809]") && r.err().contains(c[2]) && r.err().contains("make the drive an input"), r.describe());
            assertTrue(!Files.exists(out));
        }
        Ncdc.Result r = Ncdc.run("export", Repo.root().resolve("examples/mlp.ncd").toString(), "--circuit", "Classifier", "--format", "nir", "-o", dir.resolve("m.nir").toString());
        assertEquals(1, r.exit(), r.describe());
        assertTrue(r.err().contains("error[E0809]") && r.err().contains("threshold crossing"), r.describe());
    }

    private static void check(Path file, String json, Path dir, List<boolean[]> spikes) throws Exception {
        long total = spikes.stream().mapToLong(s -> { int k = 0; for (boolean b : s) if (b) k++; return k; }).sum();
        assertTrue(total > 0, "the inputs make the neurons spike, so that the comparison means something");
        assumeTrue(pythonHas("h5py"), "skipped: `/usr/bin/python3 -c 'import h5py'` fails (apt-get install python3-h5py python3-numpy)");
        Path expected = dir.resolve("expected.json");
        Files.writeString(expected, json);
        Process p = new ProcessBuilder(PYTHON, Repo.root().resolve("benchmarks/peers/nir_check.py").toString(), file.toString(), expected.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "nir_check.py did not finish");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains(": ok"), out);
    }

    private static boolean pythonHas(String module) {
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import " + module + ", numpy").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static String num(double v) { return String.format(Locale.ROOT, "%.17g", v); }

    private static String fill(double v) {
        List<String> s = new ArrayList<>();
        for (int i = 0; i < N; i++) s.add(num((float) v));
        return "[" + String.join(", ", s) + "]";
    }

    private static String floats(List<float[]> rows) {
        List<String> out = new ArrayList<>();
        for (float[] r : rows) {
            List<String> s = new ArrayList<>();
            for (float f : r) s.add(num(f));
            out.add("[" + String.join(", ", s) + "]");
        }
        return "[" + String.join(", ", out) + "]";
    }

    private static String bools(List<boolean[]> rows) {
        List<String> out = new ArrayList<>();
        for (boolean[] r : rows) {
            List<String> s = new ArrayList<>();
            for (boolean b : r) s.add(b ? "1" : "0");
            out.add("[" + String.join(", ", s) + "]");
        }
        return "[" + String.join(", ", out) + "]";
    }
}
