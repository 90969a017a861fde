package ncd.tests;

import ncd.api.Circuit;
import ncd.api.CompileException;
import ncd.api.Compiled;
import ncd.api.Ncd;
import ncd.ir.Attr;
import ncd.ir.Graph;
import ncd.ir.Node;
import ncd.ir.TensorType;
import ncd.runtime.Npy;
import ncd.runtime.NpyException;
import ncd.runtime.RandomInputs;
import ncd.runtime.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ncdc build --target jvm}: jars built in-process, each run in a separate JVM whose class path is only the jar
 * ({@code java -jar}), with and without the Vector API module; their outputs and states after several steps must
 * agree with the reference interpreter's within the op table's tolerances ({@link Agreement}), on the same random inputs
 * (the jar draws missing inputs as {@code ncdc run} does, from the build's seed). Also: the embedding API from a
 * program compiled against the jar alone, and bad command lines of both {@code ncdc build} and the jar.
 */
class AotBuildTest {
    private static final long SEED = 5;
    private static final boolean VECTOR_HERE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    @TempDir Path dir;

    /** What a child JVM printed and returned. */
    record Proc(int exit, String out, String err) {
        String describe() { return "exit " + exit + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err; }
    }

    // ---- agreement with the interpreter -------------------------------------------------------------------------

    @Test void lifeGliderWithState() throws Exception {
        agree(Repo.root().resolve("examples/life.ncd"), "Glider", Map.of(), 8);
    }

    @Test void anMlpWithParametersAndMatrixProducts() throws Exception {
        agree(Repo.root().resolve("examples/mlp.ncd"), "BatchClassifier", Map.of("batch", 8), 2);
    }

    @Test void randomSourcesEveryStep() throws Exception {
        agree(Repo.root().resolve("examples/lif.ncd"), "PoissonDriven", Map.of(), 25);
    }

    @Test void aGenericStdlibCircuit() throws Exception {
        Path f = Repo.root().resolve("stdlib/std/attention.ncd");
        Compiled prog = Ncd.compile(f);
        agree(f, "EncoderBlock", BackendDifferentialTest.sizes(prog, "EncoderBlock"), 1);
    }

    /**
     * A board wide enough for the byte-lane stencil (and a random initial state): built here with the Vector API, the
     * jar holds that class and one without it; each JVM must pick the one it can run, and both must agree.
     */
    @Test void aVectorStencilRunsWithAndWithoutTheVectorApi() throws Exception {
        Path f = Repo.root().resolve("stdlib/std/life.ncd");
        Path jar = build(f, "Life", Map.of("row", 16, "col", 128));
        String classes = listing(jar);
        assertEquals(VECTOR_HERE, classes.contains("ncd/jvm/Circuit_Life_scalar.class"), classes);
        Proc vec = runJar(jar, true, "--steps", "12", "--out", dir.resolve("vec").toString());
        Proc plain = runJar(jar, false, "--steps", "12", "--out", dir.resolve("plain").toString());
        assertEquals(0, vec.exit, vec::describe);
        assertEquals(0, plain.exit, plain::describe);
        if (VECTOR_HERE) assertTrue(vec.out.contains("Vector API: matrix products and bool stencils"), vec::describe);
        assertTrue(plain.out.contains("without the Vector API"), plain::describe);
        Expected want = interpret(f, "Life", Map.of("row", 16, "col", 128), 12);
        compare(want, dir.resolve("vec"));
        compare(want, dir.resolve("plain"));
    }

    /** Like `ncdc run`, the jar summarises every step of a run, not the last: LIF Driven fires 99 spikes in 1000 steps. */
    @Test void aRunOfManyStepsIsSummarisedOverAllOfThem() throws Exception {
        Path jar = build(Repo.root().resolve("examples/lif.ncd"), "Driven", Map.of());
        Proc p = runJar(jar, VECTOR_HERE, "--steps", "1000");
        assertEquals(0, p.exit, p::describe);
        assertTrue(p.out.contains("events (true values): 99 in 1000 steps"), p::describe);
        Ncdc.Result run = Ncdc.run("run", Repo.root().resolve("examples/lif.ncd").toString(), "--circuit", "Driven", "--steps", "1000");
        assertTrue(run.out().contains("99 in 1000 steps"), "ncdc run says the same\n" + run.describe());
    }

    /** The jar's interface from Java: a program compiled against the jar alone, run with only the jar and itself. */
    @Test void embeddingThroughTheApi() throws Exception {
        Path f = Repo.root().resolve("examples/mlp.ncd");
        Map<String, Integer> sizes = Map.of("batch", 4);
        Path jar = build(f, "BatchClassifier", sizes);
        Expected want = interpret(f, "BatchClassifier", sizes, 3);
        Path in = Files.createDirectories(dir.resolve("in"));
        for (Map.Entry<String, Tensor> e : want.inputs.entrySet()) Npy.write(in.resolve(e.getKey() + ".npy"), e.getValue());
        Path src = Files.createDirectories(dir.resolve("src")), classes = Files.createDirectories(dir.resolve("classes"));
        Files.writeString(src.resolve("Embed.java"), """
                import ncd.aot.Circuit;
                import ncd.runtime.Npy;
                import ncd.runtime.Tensor;
                import java.nio.file.Files;
                import java.nio.file.Path;
                import java.util.Map;

                public class Embed {
                    public static void main(String[] a) throws Exception {
                        Path in = Path.of(a[0]), out = Path.of(a[1]);
                        int steps = Integer.parseInt(a[2]);
                        Circuit c = Circuit.load();
                        for (String name : c.inputNames()) c.setInput(name, (float[]) Npy.read(in.resolve(name + ".npy")).data());
                        c.run(steps);
                        Map<String, Tensor> first = c.outputs();
                        c.reset();
                        for (int i = 0; i < steps; i++) c.step();
                        if (c.steps() != steps) throw new AssertionError("steps " + c.steps());
                        for (String o : c.outputNames()) {
                            if (!java.util.Arrays.equals((float[]) first.get(o).data(), (float[]) c.output(o).data())) throw new AssertionError("run and step differ");
                            Npy.write(out.resolve(o + ".npy"), c.output(o));
                        }
                        Files.createDirectories(out.resolve("param"));
                        for (Map.Entry<String, Tensor> p : c.params().entrySet()) Npy.write(out.resolve("param").resolve(p.getKey() + ".npy"), p.getValue());
                        try {
                            c.setInput("x", new float[3]);
                            throw new AssertionError("a short input was taken");
                        } catch (IllegalArgumentException e) {
                            System.out.println(e.getMessage());
                        }
                    }
                }
                """);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream diag = new ByteArrayOutputStream();
        int rc = javac.run(null, diag, diag, "-cp", jar.toString(), "-d", classes.toString(), src.resolve("Embed.java").toString());
        assertEquals(0, rc, () -> diag.toString(StandardCharsets.UTF_8));
        Path out = Files.createDirectories(dir.resolve("embed-out"));
        Proc p = java(List.of("--add-modules", "jdk.incubator.vector", "-cp", jar + java.io.File.pathSeparator + classes, "Embed",
                in.toString(), out.toString(), "3"));
        assertEquals(0, p.exit, p::describe);
        assertTrue(p.out.contains("input x is f32[batch:4, pixel:784] (3136 elements) but 3 were given"), p::describe);
        compare(want, out);
        for (Map.Entry<String, Tensor> e : want.params.entrySet()) {
            Tensor got = read(out.resolve("param").resolve(e.getKey() + ".npy"), e.getValue().type());
            Agreement.exact("parameter " + e.getKey(), e.getValue(), got);
        }
    }

    // ---- bad command lines ----------------------------------------------------------------------------------------

    private static final String SOURCE = """
            axis row = 4, col = 3
            circuit twice(x: f32[row, col]) -> f32[row, col] { return x * 2 }

            // gathers index 2, 3, 4, ... at steps 0, 1, 2, ...: out of range at step 2
            axis V = 4
            circuit Lookup() -> f32[col] {
              state k: i32 = 2
              next k = k + 1
              return gather[V](f32(iota[V]()), expand[col](k))
            }
            """;

    @Test void anUnknownTargetIsAUsageError() throws IOException {
        Path src = Files.writeString(dir.resolve("c.ncd"), SOURCE);
        Path jar = dir.resolve("c.jar");
        Ncdc.Result r = Ncdc.run("build", src.toString(), "--circuit", "twice", "--target", "wasm", "-o", jar.toString());
        assertEquals(2, r.exit(), r::describe);
        assertTrue(r.err().contains("unknown --target `wasm`") && r.err().contains("targets: jvm"), r::describe);
        assertFalse(Files.exists(jar));
        Ncdc.Result noOut = Ncdc.run("build", src.toString(), "--circuit", "twice");
        assertEquals(2, noOut.exit(), noOut::describe);
        assertTrue(noOut.err().contains("-o"), noOut::describe);
    }

    @Test void aFileWithSeveralCircuitsNeedsCircuit() throws IOException {
        Path src = Files.writeString(dir.resolve("c.ncd"), SOURCE);
        Ncdc.Result r = Ncdc.run("build", src.toString(), "-o", dir.resolve("c.jar").toString());
        assertEquals(2, r.exit(), r::describe);
        assertTrue(r.err().contains("E0803") && r.err().contains("say which to build with --circuit") && r.err().contains("twice, Lookup"), r::describe);
        assertFalse(r.internalError(), r::describe);
    }

    @Test void anUnwritableOutputIsADiagnosticAndLeavesNothing() throws IOException {
        Path src = Files.writeString(dir.resolve("c.ncd"), SOURCE);
        Path file = Files.writeString(dir.resolve("plain-file"), "not a folder");
        Ncdc.Result r = Ncdc.run("build", src.toString(), "--circuit", "twice", "-o", file.resolve("c.jar").toString());
        assertEquals(1, r.exit(), r::describe);
        assertTrue(r.err().contains("E0802") && r.err().contains("cannot write") && r.err().contains("plain-file exists and is not a directory"), r::describe);
        assertFalse(r.internalError(), r::describe);
        Path folder = Files.createDirectories(dir.resolve("folder"));
        Ncdc.Result d = Ncdc.run("build", src.toString(), "--circuit", "twice", "-o", folder.toString());
        assertEquals(1, d.exit(), d::describe);
        assertTrue(d.err().contains("it is a directory"), d::describe);
        try (var s = Files.list(dir)) {
            assertEquals(List.of(), s.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList(), "temporary files left");
        }
    }

    @Test void aFailedBuildLeavesTheOldJarAlone() throws IOException {
        Path src = Files.writeString(dir.resolve("c.ncd"), SOURCE);
        Path jar = Files.writeString(dir.resolve("c.jar"), "old");
        Ncdc.Result r = Ncdc.run("build", src.toString(), "--circuit", "nope", "-o", jar.toString());
        assertEquals(1, r.exit(), r::describe);
        assertEquals("old", Files.readString(jar));
        Ncdc.Result ok = Ncdc.run("build", src.toString(), "--circuit", "twice", "-o", jar.toString());
        assertEquals(0, ok.exit(), ok::describe);
        assertTrue(ok.out().contains("wrote " + jar) && ok.out().contains("circuit twice"), ok::describe);
    }

    @Test void theJarRejectsBadArgumentsAndData() throws Exception {
        Path src = Files.writeString(dir.resolve("c.ncd"), SOURCE);
        Path twice = dir.resolve("twice.jar"), lookup = dir.resolve("lookup.jar");
        assertEquals(0, Ncdc.run("build", src.toString(), "--circuit", "twice", "-o", twice.toString()).exit());
        assertEquals(0, Ncdc.run("build", src.toString(), "--circuit", "Lookup", "-o", lookup.toString()).exit());

        Proc help = runJar(twice, false, "--help");
        assertEquals(0, help.exit, help::describe);
        assertTrue(help.out.contains("usage: java") && help.out.contains("x: f32[row:4, col:3]"), help::describe);
        Proc unknown = runJar(twice, false, "--bogus");
        assertEquals(2, unknown.exit, unknown::describe);
        assertTrue(unknown.err.contains("unknown argument '--bogus'") && unknown.err.contains("usage:"), unknown::describe);
        Proc zero = runJar(twice, false, "--steps", "0");
        assertEquals(2, zero.exit, zero::describe);
        Proc noInput = runJar(twice, false, "--in", "y=" + dir.resolve("y.npy"));
        assertEquals(1, noInput.exit, noInput::describe);
        assertTrue(noInput.err.contains("no input `y`"), noInput::describe);
        Path wrong = dir.resolve("wrong.npy");
        Npy.write(wrong, Tensor.of(new TensorType(ncd.ir.DType.F32, List.of(new ncd.ir.Axis("a", 5)), null), new float[5]));
        Proc shape = runJar(twice, false, "--in", "x=" + wrong);
        assertEquals(1, shape.exit, shape::describe);
        assertTrue(shape.err.contains("input x: expected 2 axes"), shape::describe);
        Proc runtime = runJar(lookup, false, "--steps", "5");
        assertEquals(1, runtime.exit, runtime::describe);
        assertTrue(runtime.err.contains("error: at step 2: gather: index 4 is out of range for axis V of size 4"), runtime::describe);
        for (Proc p : List.of(unknown, zero, noInput, shape, runtime)) assertFalse(p.err.contains("\tat "), p::describe);
    }

    // ---- helpers ---------------------------------------------------------------------------------------------------

    /** The interpreter's inputs, last outputs, states and parameters after {@code steps} steps. */
    /** The interpreter's values after the last step, and the bounds the op table gives them. */
    record Expected(Map<String, Tensor> inputs, Map<String, Tensor> outputs, Map<String, Tensor> states, Map<String, Tensor> params,
                    Agreement bounds) {}

    private void agree(Path file, String circuit, Map<String, Integer> sizes, int steps) throws Exception {
        Path jar = build(file, circuit, sizes);
        Expected want = interpret(file, circuit, sizes, steps);
        Path out = dir.resolve("out");
        Proc p = runJar(jar, VECTOR_HERE, "--steps", String.valueOf(steps), "--out", out.toString());
        assertEquals(0, p.exit, p::describe);
        assertTrue(p.out.startsWith(want.outputs.isEmpty() ? "" : circuit + ": " + steps + " step"), p::describe);
        compare(want, out);
    }

    private Path build(Path file, String circuit, Map<String, Integer> sizes) {
        Path jar = dir.resolve(circuit + ".jar");
        List<String> args = new ArrayList<>(List.of("build", file.toString(), "--circuit", circuit, "--seed", String.valueOf(SEED), "--target", "jvm", "-o", jar.toString()));
        for (Map.Entry<String, Integer> e : sizes.entrySet()) args.addAll(List.of("--axis", e.getKey() + "=" + e.getValue()));
        Ncdc.Result r = Ncdc.run(args);
        assertEquals(0, r.exit(), r::describe);
        assertTrue(Files.isRegularFile(jar), jar::toString);
        return jar;
    }

    private static Expected interpret(Path file, String circuit, Map<String, Integer> sizes, int steps) throws CompileException {
        Compiled prog = Ncd.compile(file);
        Graph g = prog.graph(circuit, sizes);
        Circuit interp = prog.circuit(circuit, sizes, SEED, "interp");
        Map<String, Tensor> in = new LinkedHashMap<>();
        for (Node n : g.inputs()) {
            String name = ((Attr.Named) n.attr()).name();
            in.put(name, RandomInputs.draw(name, n.type(), SEED));
        }
        Map<String, Tensor> last = Map.of();
        Agreement bounds = new Agreement(g);
        for (int s = 0; s < steps; s++) {
            last = interp.step(in);
            bounds.step();
        }
        return new Expected(in, last, interp.state(), interp.params(), bounds);
    }

    /** The jar's files under {@code out} against the interpreter's values, within the op table's tolerances. */
    private static void compare(Expected want, Path out) throws IOException, NpyException {
        assertFalse(want.outputs.isEmpty());
        for (Map.Entry<String, Tensor> e : want.outputs.entrySet()) {
            Tensor got = read(out.resolve(e.getKey() + ".npy"), e.getValue().type());
            Agreement.within("output " + e.getKey(), e.getValue(), got, want.bounds.output(e.getKey()));
        }
        for (Map.Entry<String, Tensor> e : want.states.entrySet()) {
            Tensor got = read(out.resolve("state").resolve(e.getKey() + ".npy"), e.getValue().type());
            Agreement.within("state " + e.getKey(), e.getValue(), got, want.bounds.state(e.getKey()));
        }
    }

    private static Tensor read(Path npy, TensorType type) throws IOException, NpyException {
        assertTrue(Files.isRegularFile(npy), npy + " was not written");
        return Npy.toTensor(Npy.read(npy), type, npy.toString());
    }

    private Proc runJar(Path jar, boolean vector, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        if (vector) cmd.addAll(List.of("--add-modules", "jdk.incubator.vector"));
        cmd.addAll(List.of("-jar", jar.toString()));
        cmd.addAll(List.of(args));
        return java(cmd);
    }

    /** A fresh JVM (this one's {@code java}) with nothing inherited that could add to its class path. */
    private Proc java(List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(args);
        Path o = Files.createTempFile(dir, "stdout", ".txt"), e = Files.createTempFile(dir, "stderr", ".txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(o.toFile()).redirectError(e.toFile());
        pb.environment().remove("CLASSPATH");
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().remove("JDK_JAVA_OPTIONS");
        Process p = pb.start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + cmd);
        }
        return new Proc(p.exitValue(), Files.readString(o), Files.readString(e));
    }

    private static String listing(Path jar) throws IOException {
        StringBuilder sb = new StringBuilder();
        try (var z = new java.util.zip.ZipFile(jar.toFile())) {
            z.stream().forEach(en -> sb.append(en.getName()).append('\n'));
        }
        return sb.toString();
    }

    @Test void theJarHoldsTheRuntimeButNotTheCompiler() throws IOException {
        Path jar = build(Repo.root().resolve("examples/life.ncd"), "Glider", Map.of());
        String classes = listing(jar);
        for (String want : List.of("ncd/jvm/Circuit_Glider.class", "ncd/jvm/Kernel.class", "ncd/aot/Circuit.class", "META-INF/ncd/Glider.circuit")) {
            assertTrue(classes.contains(want), want);
        }
        for (String no : List.of("ncd/frontend/", "ncd/passes/", "ncd/cli/", "ncd/interp/", "org/objectweb/", "picocli/", "org/antlr/", "ncd/jvm/ClassGen")) {
            assertFalse(classes.contains(no), no + " in\n" + classes);
        }
    }
}
