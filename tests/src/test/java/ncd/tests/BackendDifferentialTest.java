package ncd.tests;

import ncd.api.CompileException;
import ncd.api.Compiled;
import ncd.api.Ncd;
import ncd.diag.Diagnostics;
import ncd.driver.Compilation;
import ncd.interp.Interpreter;
import ncd.ir.Attr;
import ncd.ir.Graph;
import ncd.ir.Node;
import ncd.runtime.Backend;
import ncd.runtime.BackendOptions;
import ncd.runtime.Backends;
import ncd.runtime.Executable;
import ncd.runtime.Footprint;
import ncd.runtime.RandomInputs;
import ncd.runtime.Tensor;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every installed backend against the reference interpreter ({@value #ORACLE}, the oracle): each backend that
 * {@link Backends#all} finds and that can run here gets every circuit and law of every example and stdlib module,
 * every one of the lit programs that lowers with small sizes and is small, and {@value #RANDOM_PROGRAMS} random
 * programs from {@link ProgramGenerator}; generic axes are sized small ({@link #sizes}). Each runs from the same
 * seed on both, stepped several times when it has state, with fresh random inputs at every step; parameters and
 * initial states must be identical, outputs and states agree within the bounds {@link Agreement} derives from the op
 * table. A new backend gets all of it by registering with {@link java.util.ServiceLoader}.
 */
class BackendDifferentialTest {
    static final String ORACLE = "interp";
    private static final long SEED = 7;
    private static final int STATEFUL_STEPS = 5;
    private static final int RANDOM_PROGRAMS = Integer.getInteger("ncd.diff.randomPrograms", 200);
    /** Lit programs whose values (as the interpreter holds them) exceed this are about sizes, not semantics: skipped. */
    private static final long LIT_MAX_BYTES = 4 << 20;

    /** One program to run: a graph (lowered, unoptimised), where it came from, and the seed. */
    record Case(String label, URI source, Graph lowered, long seed, String text) {}

    @TestFactory
    Stream<DynamicNode> everyBackendAgreesWithTheInterpreter() throws CompileException, IOException {
        List<Backend> backends = Backends.all().stream().filter(b -> !b.name().equals(ORACLE) && b.isAvailable()).toList();
        assertFalse(backends.isEmpty(), "no backend besides " + ORACLE + " can run here: nothing to compare (class path: "
                + Backends.all().stream().map(Backend::name).toList() + ")");
        List<Case> cases = cases(true, RANDOM_PROGRAMS);
        List<DynamicNode> out = new ArrayList<>();
        for (Backend b : backends) {
            out.add(DynamicContainer.dynamicContainer(b.name(), cases.stream().map(c -> DynamicTest.dynamicTest(c.label(), c.source(), () -> {
                try {
                    agree(b, c.label(), c.lowered(), c.seed());
                } catch (AssertionError e) {
                    throw c.text() == null ? e : new AssertionError(e.getMessage() + "\nprogram:\n" + c.text(), e);
                }
            }))));
        }
        return out.stream();
    }

    /**
     * The examples and the stdlib (each must lower and run), with {@code lit} the lit programs that lower with small
     * sizes and are small (the others test the checker and the driver), and {@code randomPrograms} random programs.
     */
    static List<Case> cases(boolean lit, int randomPrograms) throws CompileException, IOException {
        List<Case> cases = new ArrayList<>();
        for (Path f : Repo.stdlibAndExamples()) {
            Compiled prog = Ncd.compile(f);
            for (String name : names(prog)) {
                cases.add(new Case(Repo.relative(f) + ": " + name, f.toUri(), prog.graph(name, sizes(prog, name)), SEED, null));
            }
        }
        int shipped = cases.size();
        assertTrue(shipped > 20, "found the stdlib and examples");
        for (Path f : lit ? Repo.ncdFiles(Repo.root().resolve("tests/lit")) : List.<Path>of()) {
            LitFile lf = LitFile.read(f);
            if (!lf.errors().isEmpty()) continue;
            Compiled prog;
            try {
                prog = Ncd.compile(f);
            } catch (CompileException e) {
                continue;   // a file that tests the checker
            }
            for (String name : names(prog)) {
                Graph g;
                try {
                    g = prog.graph(name, sizes(prog, name));
                } catch (CompileException e) {
                    continue;   // refused at these sizes: the lit file says why
                }
                if (Footprint.bytes(g, 0, Footprint.Layout.ALL_DOUBLES) > LIT_MAX_BYTES) continue;
                cases.add(new Case(Repo.relative(f) + ": " + name, f.toUri(), g, SEED, null));
            }
        }
        assertTrue(!lit || cases.size() - shipped > 20, "found the lit programs that run: " + (cases.size() - shipped));
        for (int i = 0; i < randomPrograms; i++) {
            String text = new ProgramGenerator(i).program();
            Path where = Repo.root().resolve("tests/target/random_" + i + ".ncd");
            Compiled prog;
            try {
                prog = Ncd.compile(where, text);
            } catch (CompileException e) {
                throw new AssertionError("the generator made a program that does not check (a generator bug):\n" + text + "\n" + e.getMessage(), e);
            }
            cases.add(new Case("program " + i, where.toUri(), prog.graph("P", Map.of()), i, text));
        }
        return cases;
    }

    private static List<String> names(Compiled prog) {
        List<String> names = new ArrayList<>(prog.circuits());
        names.addAll(prog.laws());
        return names;
    }

    /**
     * Distinct small sizes (3, 4, 5, ...) for the axes a circuit or law leaves unsized; when those do not lower (some
     * axes must be equal, as self-attention's seq and key), 4 for all of them.
     */
    static Map<String, Integer> sizes(Compiled prog, String name) {
        Map<String, Integer> sizes = new LinkedHashMap<>();
        int next = 3;
        for (String a : prog.axesToSize(name)) sizes.put(a, next++);
        try {
            prog.graph(name, sizes);
        } catch (CompileException e) {
            sizes.replaceAll((a, n) -> 4);
        }
        return sizes;
    }

    /**
     * The one place this harness compiles for a backend: the driver's path from a lowered graph (footprint check,
     * the pass pipeline verifying after every pass, the backend) with default options and {@code seed}.
     */
    private static Executable compile(Backend b, Graph lowered, long seed) {
        Diagnostics diags = new Diagnostics();
        Compilation c = new Compilation(diags, Compilation.Settings.standard().verifyingEachPass(true));
        return c.instantiate(lowered, b, BackendOptions.defaults().withSeed(seed))
                .orElseThrow(() -> new AssertionError(b.name() + " refused " + lowered.name() + ": " + diags.sorted()));
    }

    /** Runs {@code lowered} on the oracle and on {@code b}; compares parameters, outputs and state at every step. */
    static void agree(Backend b, String label, Graph lowered, long seed) {
        Diagnostics refusal = new Diagnostics();
        // what a backend refuses by design (the cuda backend: sparse synapses, E0723) is skipped with the diagnostic
        org.junit.jupiter.api.Assumptions.assumeTrue(b.accepts(lowered, refusal), () -> label + ": " + refusal.sorted());
        agree(b.name(), label, lowered, seed, compile(b, lowered, seed));
    }

    /**
     * Runs {@code lowered} on the oracle beside {@code exe} (what backend {@code name} made of it from {@code seed}):
     * parameters exactly, outputs and states within the op table's bounds, at every step. The backend may not fail
     * where the oracle runs, nor fail differently; the oracle may fail in code that the passes dropped (a gather out
     * of range that nothing reads), and the comparison ends there.
     */
    static void agree(String name, String label, Graph lowered, long seed, Executable exe) {
        Interpreter oracle = new Interpreter(lowered, seed);
        Agreement bounds = new Agreement(lowered);
        assertEquals(oracle.params().keySet(), exe.params().keySet(), label + ": parameters");
        for (String p : oracle.params().keySet()) Agreement.exact(label + " parameter " + p, oracle.params().get(p), exe.params().get(p));
        compareState(label + " initial", oracle, exe, bounds);
        int steps = lowered.kind() == Graph.Kind.LAW ? lowered.steps() + 1 : lowered.states().isEmpty() ? 1 : STATEFUL_STEPS;
        for (int s = 0; s < steps; s++) {
            Map<String, Tensor> in = new LinkedHashMap<>();
            for (Node n : lowered.inputs()) {
                String input = ((Attr.Named) n.attr()).name();
                in.put(input, RandomInputs.draw(input, n.type(), seed * 1000 + s));
            }
            Map<String, Tensor> want = null, got = null;
            RuntimeException ew = null, eg = null;
            try { want = oracle.step(in); } catch (RuntimeException e) { ew = e; }
            try { got = exe.step(in); } catch (RuntimeException e) { eg = e; }
            if (eg != null && (ew == null || !ew.getMessage().equals(eg.getMessage()))) {
                throw new AssertionError(label + " step " + s + ": " + name + " fails where " + ORACLE + " does not, or differently: "
                        + ew + " vs " + eg, eg);
            }
            if (ew != null) return;
            bounds.step();
            assertEquals(want.keySet(), got.keySet(), label + ": outputs");
            for (String o : want.keySet()) Agreement.within(label + " step " + s + " output " + o, want.get(o), got.get(o), bounds.output(o));
            compareState(label + " after step " + s, oracle, exe, bounds);
            assertEquals(oracle.steps(), exe.steps(), label + ": steps");
        }
    }

    private static void compareState(String what, Executable oracle, Executable exe, Agreement bounds) {
        assertEquals(oracle.state().keySet(), exe.state().keySet(), what + ": states");
        for (String s : oracle.state().keySet()) Agreement.within(what + " state " + s, oracle.state().get(s), exe.state().get(s), bounds.state(s));
    }
}
