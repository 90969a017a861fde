package ncd.tests;

import ncd.diag.Diagnostics;
import ncd.driver.Compilation;
import ncd.interop.OnnxExport;
import ncd.interp.Interpreter;
import ncd.ir.Axis;
import ncd.ir.Graph;
import ncd.ir.Node;
import ncd.runtime.BackendOptions;
import ncd.runtime.Backends;
import ncd.runtime.Npz;
import ncd.runtime.RandomInputs;
import ncd.runtime.SafeTensors;
import ncd.runtime.Tensor;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.ValueInfoProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code ncdc export --format onnx} (docs/interop.md): the model's structure read back with the generated protobuf
 * classes, and, where Debian's python3-onnx is installed, the model checked by onnx.checker and evaluated by
 * benchmarks/peers/onnx_check.py against the reference interpreter's outputs on the same inputs.
 */
class OnnxExportTest {
    private static final String PYTHON = "/usr/bin/python3";
    private static final long SEED = 3;

    /** A covered circuit: file under the repository root, circuit, sizes of its sized-later axes. */
    record Case(String file, String circuit, Map<String, Integer> sizes) {
        @Override public String toString() { return file + " " + circuit + " " + sizes; }

        List<String> args(Path out) {
            List<String> a = new ArrayList<>(List.of("export", Repo.root().resolve(file).toString(), "--circuit", circuit, "--format", "onnx",
                    "--seed", Long.toString(SEED), "-o", out.toString()));
            sizes.forEach((k, v) -> a.addAll(List.of("--axis", k + "=" + v)));
            return a;
        }
    }

    static Stream<Case> covered() {
        return Stream.of(
                new Case("examples/mlp.ncd", "Classifier", Map.of()),
                new Case("examples/mlp.ncd", "BatchClassifier", Map.of("batch", 3)),
                new Case("examples/mlp.ncd", "Logits", Map.of()),
                new Case("examples/attention.ncd", "SelfAttention", Map.of()),
                new Case("examples/attention.ncd", "BatchedSelfAttention", Map.of("batch", 2)),
                new Case("examples/attention.ncd", "Head", Map.of()),
                new Case("examples/transformer.ncd", "Block", Map.of()),
                new Case("examples/transformer.ncd", "Encoder", Map.of("batch", 2)),
                new Case("examples/lifegpt.ncd", "LifeGPT", Map.of()),
                // the ops the examples do not use: roll, shift, concat, slice, gather, onehot, iota, arg and bool
                // reductions, split and merge, casts, comparisons, floored mod
                new Case("tests/fixtures/interop/ops.ncd", "Ops", Map.of()),
                // argsort (TopK), and gathers with batch axes (GatherElements): sort, topk, take-along
                new Case("tests/lit/run/run_sorting.ncd", "Route", Map.of()),
                new Case("tests/lit/run/run_sorting.ncd", "KWinners", Map.of()),
                new Case("tests/lit/run/run_sorting.ncd", "Orders", Map.of()),
                new Case("tests/lit/run/run_sorting.ncd", "Ties", Map.of()));
    }

    /** The graph ncdc export lowers: optimised as for the interpreter. */
    private static Graph optimised(Case c) {
        Diagnostics d = new Diagnostics();
        Compilation comp = new Compilation(d);
        Graph lowered = comp.load(Repo.root().resolve(c.file()))
                .flatMap(p -> comp.lower(p, c.circuit(), c.sizes()))
                .orElseThrow(() -> new AssertionError(d.sorted().toString()));
        return comp.prepare(lowered, Backends.named("interp").orElseThrow(), BackendOptions.defaults().withSeed(SEED), 0)
                .orElseThrow(() -> new AssertionError(d.sorted().toString()));
    }

    private static ModelProto export(Case c, Path dir) throws IOException {
        Path out = dir.resolve(c.circuit() + ".onnx");
        Ncdc.Result r = Ncdc.run(c.args(out));
        assertEquals(0, r.exit(), r.describe());
        return ModelProto.parseFrom(Files.readAllBytes(out));
    }

    @ParameterizedTest @MethodSource("covered")
    void modelReadsBackWithTheCircuitsInputsOutputsAndParameters(Case c, @TempDir Path dir) throws IOException {
        Graph g = optimised(c);
        ModelProto m = export(c, dir);
        assertEquals(OnnxExport.IR_VERSION, m.getIrVersion());
        assertEquals(OnnxExport.OPSET, m.getOpsetImport(0).getVersion());
        assertEquals(g.inputs().size(), m.getGraph().getInputCount());
        for (int i = 0; i < g.inputs().size(); i++) {
            Node in = g.inputs().get(i);
            ValueInfoProto v = m.getGraph().getInput(i);
            assertEquals(((ncd.ir.Attr.Named) in.attr()).name(), v.getName());
            assertEquals(dims(in.type().axes()), shape(v));
        }
        assertEquals(g.outputs().size(), m.getGraph().getOutputCount());
        for (int i = 0; i < g.outputs().size(); i++) {
            assertEquals(g.outputs().get(i).name(), m.getGraph().getOutput(i).getName());
            assertEquals(dims(g.outputs().get(i).node().type().axes()), shape(m.getGraph().getOutput(i)));
        }
        // every parameter is an initializer named by its instance path, shaped as its node's type
        Map<String, TensorProto> inits = new LinkedHashMap<>();
        for (TensorProto t : m.getGraph().getInitializerList()) inits.put(t.getName(), t);
        for (Node p : g.params()) {
            String path = ((ncd.ir.Attr.Param) p.attr()).name();
            TensorProto t = inits.get(path);
            assertTrue(t != null, "no initializer " + path + " in " + inits.keySet());
            assertEquals(dims(p.type().axes()), t.getDimsList());
            assertEquals(p.type().elementCount() * p.type().dtype().bytes(), t.getRawData().size());
        }
        // a graph in order: every node reads only inputs, initializers and outputs of nodes before it
        Set<String> defined = new HashSet<>(inits.keySet());
        m.getGraph().getInputList().forEach(v -> defined.add(v.getName()));
        for (NodeProto n : m.getGraph().getNodeList()) {
            for (String in : n.getInputList()) assertTrue(defined.contains(in), n.getOpType() + " " + n.getName() + " reads undefined " + in);
            defined.addAll(n.getOutputList());
        }
        for (ValueInfoProto o : m.getGraph().getOutputList()) assertTrue(defined.contains(o.getName()), "output " + o.getName() + " is never computed");
        // the axis names ONNX has no place for are in the metadata
        Map<String, String> meta = new LinkedHashMap<>();
        m.getMetadataPropsList().forEach(e -> meta.put(e.getKey(), e.getValue()));
        for (Node in : g.inputs()) {
            assertEquals(String.join(",", in.type().axisNames()), meta.get("ncd.axes." + ((ncd.ir.Attr.Named) in.attr()).name()));
        }
    }

    @Test void parametersAreTheSeedsOrThoseOfParams(@TempDir Path dir) throws IOException {
        Case c = new Case("examples/mlp.ncd", "Classifier", Map.of());
        Map<String, Tensor> drawn = new Interpreter(optimised(c), SEED).params();
        ModelProto m = export(c, dir);
        TensorProto w = m.getGraph().getInitializerList().stream().filter(t -> t.getName().equals("l1.W")).findFirst().orElseThrow();
        assertEquals(drawn.get("l1.W").floats()[5], floatAt(w, 5));
        // --params: every value doubled
        Map<String, Tensor> doubled = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : drawn.entrySet()) {
            Tensor t = e.getValue().copy();
            for (int i = 0; i < t.size(); i++) t.set(i, 2 * t.get(i));
            doubled.put(e.getKey(), t);
        }
        Path p = dir.resolve("w.safetensors");
        SafeTensors.write(p, doubled, Map.of());
        List<String> args = new ArrayList<>(c.args(dir.resolve("p.onnx")));
        args.addAll(List.of("--params", p.toString()));
        Ncdc.Result r = Ncdc.run(args);
        assertEquals(0, r.exit(), r.describe());
        ModelProto m2 = ModelProto.parseFrom(Files.readAllBytes(dir.resolve("p.onnx")));
        TensorProto w2 = m2.getGraph().getInitializerList().stream().filter(t -> t.getName().equals("l1.W")).findFirst().orElseThrow();
        assertEquals(2 * drawn.get("l1.W").floats()[5], floatAt(w2, 5));
    }

    @Test void statefulCircuitIsRefusedNamingTheState(@TempDir Path dir) {
        Path out = dir.resolve("lif.onnx");
        Ncdc.Result r = Ncdc.run("export", Repo.root().resolve("examples/lif.ncd").toString(), "--circuit", "Driven", "--format", "onnx", "-o", out.toString());
        assertEquals(1, r.exit(), r.describe());
        assertTrue(r.err().contains("error[E0809]") && r.err().contains("has state (LIF_0.v)") && r.err().contains("feed-forward") && r.err().contains("--format nir"), r.describe());
        assertTrue(!Files.exists(out), "nothing is written when the export fails");
    }

    @Test void unknownFormatIsACommandLineError(@TempDir Path dir) {
        Ncdc.Result r = Ncdc.run("export", Repo.root().resolve("examples/mlp.ncd").toString(), "--circuit", "Classifier", "--format", "tflite", "-o", dir.resolve("x").toString());
        assertEquals(2, r.exit(), r.describe());
        assertTrue(r.err().contains("unknown --format `tflite`"), r.describe());
    }

    @ParameterizedTest @MethodSource("covered")
    void onnxEvaluatesAsTheInterpreterComputes(Case c, @TempDir Path dir) throws Exception {
        assumeTrue(pythonHasOnnx(), "skipped: `/usr/bin/python3 -c 'import onnx'` fails (apt-get install python3-onnx python3-numpy)");
        Graph g = optimised(c);
        Path model = dir.resolve(c.circuit() + ".onnx");
        assertEquals(0, Ncdc.run(c.args(model)).exit());
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        for (Node in : g.inputs()) {
            String name = ((ncd.ir.Attr.Named) in.attr()).name();
            Tensor x = RandomInputs.draw(name, in.type(), 11);
            // i32 inputs are token indices in these circuits: within LifeGPT's vocabulary of 3
            if (in.type().dtype() == ncd.ir.DType.I32) for (int i = 0; i < x.size(); i++) x.set(i, Math.floorMod((int) x.get(i), 3));
            inputs.put(name, x);
        }
        Map<String, Tensor> expected = new Interpreter(g, SEED).step(inputs);
        Npz.write(dir.resolve("inputs.npz"), inputs);
        Npz.write(dir.resolve("expected.npz"), expected);
        Process p = new ProcessBuilder(PYTHON, Repo.root().resolve("benchmarks/peers/onnx_check.py").toString(),
                model.toString(), dir.resolve("inputs.npz").toString(), dir.resolve("expected.npz").toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "onnx_check.py did not finish");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains(expected.size() + " of " + expected.size() + " outputs match"), out);
    }

    private static boolean pythonHasOnnx() {
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import onnx, numpy").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static List<Long> dims(List<Axis> axes) { return axes.stream().map(a -> (long) a.size()).toList(); }

    private static List<Long> shape(ValueInfoProto v) {
        return v.getType().getTensorType().getShape().getDimList().stream().map(d -> d.getDimValue()).toList();
    }

    private static float floatAt(TensorProto t, int i) {
        return t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).getFloat(4 * i);
    }
}
