package ncd.tests;

import ncd.api.CompileException;
import ncd.api.Compiled;
import ncd.api.Ncd;
import ncd.interp.Interpreter;
import ncd.ir.Attr;
import ncd.ir.Graph;
import ncd.ir.Node;
import ncd.passes.Pass;
import ncd.passes.PassContext;
import ncd.passes.PassManager;
import ncd.runtime.RandomInputs;
import ncd.runtime.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The standard pass pipeline (fold, simplify, cse, dce) changes no result: for every circuit and law of every
 * stdlib module and example (sized as {@link BackendDifferentialTest} sizes them), and for random well-typed programs
 * from its generator, the reference interpreter gives bit-identical outputs, states and parameters on the graph
 * before and after the passes, stepped with the same random inputs; so does each pass run alone on the lowered
 * graph. The IR verifier runs after every pass.
 *
 * <p>Parameters that dead code elimination drops (nothing reads them) are absent after the passes; every other
 * parameter must be identical. With {@code -Dncd.passes.report=true} each case prints its node count before and
 * after.
 */
class PassesPreserveSemanticsTest {
    private static final long SEED = 7;
    private static final int STATEFUL_STEPS = 6;
    private static final int RANDOM_PROGRAMS = Integer.getInteger("ncd.passes.randomPrograms", 300);

    @TestFactory
    Stream<DynamicTest> stdlibAndExamplesComputeTheSameAfterThePasses() throws CompileException {
        List<Path> files = Repo.stdlibAndExamples();
        List<DynamicTest> tests = new ArrayList<>();
        for (Path f : files) {
            Compiled prog = Ncd.compile(f);
            List<String> names = new ArrayList<>(prog.circuits());
            names.addAll(prog.laws());
            for (String name : names) {
                String label = Repo.relative(f) + ": " + name;
                tests.add(DynamicTest.dynamicTest(label, f.toUri(),
                        () -> same(label, prog.graph(name, BackendDifferentialTest.sizes(prog, name)), SEED)));
            }
        }
        assertTrue(tests.size() > 20, "found the stdlib and examples");
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> randomProgramsComputeTheSameAfterThePasses() {
        return IntStream.range(0, RANDOM_PROGRAMS).mapToObj(i -> DynamicTest.dynamicTest("program " + i, () -> {
            String text = new ProgramGenerator(i).program();
            Compiled prog = Ncd.compile(Repo.root().resolve("tests/target/passes_random_" + i + ".ncd"), text);
            try {
                same("program " + i, prog.graph("P", Map.of()), i);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\nprogram:\n" + text, e);
            }
        }));
    }

    /** The whole pipeline, then each pass on its own: every one must give bit-identical results. */
    static void same(String label, Graph g, long seed) {
        Graph opt = PassManager.standard().run(g, PassContext.verifying());
        if (Boolean.getBoolean("ncd.passes.report")) {
            System.out.println("passes: " + label + ": " + g.nodes().size() + " -> " + opt.nodes().size() + " nodes");
        }
        same(label + " (all passes)", g, opt, seed);
        for (Pass p : PassManager.standard().passes()) {
            same(label + " (" + p.name() + " alone)", g, new PassManager(List.of(p)).run(g, PassContext.verifying()), seed);
        }
    }

    /** Runs {@code g} and {@code opt} on the interpreter and demands bit-identical results. */
    static void same(String label, Graph g, Graph opt, long seed) {
        assertEquals(g.states().stream().map(s -> s.name()).toList(), opt.states().stream().map(s -> s.name()).toList(), label + ": states");
        assertEquals(g.outputs().stream().map(Graph.Output::name).toList(), opt.outputs().stream().map(Graph.Output::name).toList(), label + ": outputs");
        assertEquals(g.inputs().size(), opt.inputs().size(), label + ": inputs");
        assertEquals(g.tolerance(), opt.tolerance());
        assertEquals(g.steps(), opt.steps());
        Interpreter before = new Interpreter(g, seed), after = new Interpreter(opt, seed);
        for (String p : after.params().keySet()) bits(label + " parameter " + p, before.params().get(p), after.params().get(p));
        compareState(label + " initial", before, after);
        int steps = g.kind() == Graph.Kind.LAW ? g.steps() + 1 : g.states().isEmpty() ? 1 : STATEFUL_STEPS;
        for (int s = 0; s < steps; s++) {
            Map<String, Tensor> in = new LinkedHashMap<>();
            for (Node n : g.inputs()) {
                String input = ((Attr.Named) n.attr()).name();
                in.put(input, RandomInputs.draw(input, n.type(), seed * 1000 + s));
            }
            Map<String, Tensor> a = null, b = null;
            RuntimeException ea = null, eb = null;
            try { a = before.step(in); } catch (RuntimeException e) { ea = e; }
            try { b = after.step(in); } catch (RuntimeException e) { eb = e; }
            if (eb != null && (ea == null || !ea.getMessage().equals(eb.getMessage()))) {
                throw new AssertionError(label + " step " + s + ": fails only after the passes, or differently: " + ea + " vs " + eb, eb);
            }
            // a run-time error in code nothing reads may go with that code (dead code elimination)
            if (ea != null) return;
            assertEquals(a.keySet(), b.keySet(), label + ": outputs");
            for (String o : a.keySet()) bits(label + " step " + s + " output " + o, a.get(o), b.get(o));
            compareState(label + " after step " + s, before, after);
        }
    }

    private static void compareState(String what, Interpreter a, Interpreter b) {
        assertEquals(a.state().keySet(), b.state().keySet(), what + ": states");
        for (String s : a.state().keySet()) bits(what + " state " + s, a.state().get(s), b.state().get(s));
    }

    /** Same type and the same bits in every element (NaN matches NaN; 0 does not match -0). */
    private static void bits(String what, Tensor want, Tensor got) {
        assertEquals(want.type(), got.type(), what + ": type");
        int bad = 0;
        StringBuilder first = new StringBuilder();
        for (int i = 0; i < want.size(); i++) {
            if (Double.compare(want.get(i), got.get(i)) != 0) {
                if (bad++ < 5) first.append(String.format("%n  [%d] before %s, after %s", i, want.get(i), got.get(i)));
            }
        }
        if (bad > 0) fail(what + ": " + bad + " of " + want.size() + " elements differ" + first);
    }
}
