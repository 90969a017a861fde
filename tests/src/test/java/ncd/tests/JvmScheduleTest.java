package ncd.tests;

import ncd.api.CompileException;
import ncd.api.Compiled;
import ncd.api.Ncd;
import ncd.interp.Interpreter;
import ncd.ir.Attr;
import ncd.ir.Graph;
import ncd.ir.Node;
import ncd.jvm.JvmBackend;
import ncd.jvm.JvmOptions;
import ncd.passes.PassContext;
import ncd.passes.PassManager;
import ncd.runtime.Executable;
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

/**
 * The JVM backend on graphs that carry the standard pipeline's schedule (fusion groups and memory plan made by the
 * passes, not by the backend), against the interpreter on the lowered graph: every stdlib and example circuit and
 * law, and random programs from {@link JvmDifferentialTest.ProgramGenerator}, with fusion on (the schedule is
 * followed) and off (the backend plans memory again without it). Same tolerances as {@link JvmDifferentialTest}.
 */
class JvmScheduleTest {
    private static final long SEED = 11;
    private static final int STATEFUL_STEPS = 5;
    private static final int RANDOM_PROGRAMS = Integer.getInteger("ncd.jvm.scheduledRandomPrograms", 150);

    @TestFactory
    Stream<DynamicTest> stdlibAndExamplesFollowTheirSchedules() throws CompileException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path f : Repo.stdlibAndExamples()) {
            Compiled prog = Ncd.compile(f);
            List<String> names = new ArrayList<>(prog.circuits());
            names.addAll(prog.laws());
            for (String name : names) {
                String label = Repo.relative(f) + ": " + name;
                tests.add(DynamicTest.dynamicTest(label, f.toUri(),
                        () -> agree(label, prog.graph(name, JvmDifferentialTest.sizes(prog, name)), SEED)));
            }
        }
        assertTrue(tests.size() > 20, "found the stdlib and examples");
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> randomProgramsFollowTheirSchedules() {
        return IntStream.range(0, RANDOM_PROGRAMS).mapToObj(i -> DynamicTest.dynamicTest("program " + (20_000 + i), () -> {
            long seed = 20_000 + i;
            String text = new JvmDifferentialTest.ProgramGenerator(seed).program();
            Compiled prog = Ncd.compile(Repo.root().resolve("tests/target/scheduled_random_" + seed + ".ncd"), text);
            try {
                agree("program " + seed, prog.graph("P", Map.of()), seed);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\nprogram:\n" + text, e);
            }
        }));
    }

    static void agree(String label, Graph lowered, long seed) {
        for (boolean fuse : new boolean[] {true, false}) {
            PassManager pipeline = fuse ? PassManager.standard() : PassManager.standard().without("fuse");
            Graph scheduled = pipeline.run(lowered, PassContext.verifying());
            assertTrue(scheduled.schedule() != null && scheduled.schedule().memory() != null, label + ": the pipeline attaches a schedule");
            String what = label + (fuse ? "" : " (fusion off)");
            Interpreter interp = new Interpreter(lowered, seed);
            Executable jvm = JvmBackend.compile(scheduled, seed, JvmOptions.defaults().withFusion(fuse));
            for (String p : jvm.params().keySet()) JvmDifferentialTest.same(what + " parameter " + p, interp.params().get(p), jvm.params().get(p), 0, 0);
            compareState(what + " initial", interp, jvm);
            int steps = lowered.kind() == Graph.Kind.LAW ? lowered.steps() + 1 : lowered.states().isEmpty() ? 1 : STATEFUL_STEPS;
            for (int s = 0; s < steps; s++) {
                Map<String, Tensor> in = new LinkedHashMap<>();
                for (Node n : lowered.inputs()) {
                    String input = ((Attr.Named) n.attr()).name();
                    in.put(input, RandomInputs.draw(input, n.type(), seed * 1000 + s));
                }
                Map<String, Tensor> a = null, b = null;
                RuntimeException ea = null, eb = null;
                try { a = interp.step(in); } catch (RuntimeException e) { ea = e; }
                try { b = jvm.step(in); } catch (RuntimeException e) { eb = e; }
                if (eb != null && (ea == null || !ea.getMessage().equals(eb.getMessage()))) {
                    throw new AssertionError(what + " step " + s + ": the JVM fails, the interpreter does not or differently: " + ea + " vs " + eb, eb);
                }
                // a run-time error in code nothing reads may go with that code (dead code elimination)
                if (ea != null) break;
                assertEquals(a.keySet(), b.keySet(), what + ": outputs");
                for (String o : a.keySet()) {
                    JvmDifferentialTest.same(what + " step " + s + " output " + o, a.get(o), b.get(o), JvmDifferentialTest.RTOL, JvmDifferentialTest.ATOL);
                }
                compareState(what + " after step " + s, interp, jvm);
            }
        }
    }

    private static void compareState(String what, Interpreter interp, Executable jvm) {
        assertEquals(interp.state().keySet(), jvm.state().keySet(), what + ": states");
        for (String s : interp.state().keySet()) {
            JvmDifferentialTest.same(what + " state " + s, interp.state().get(s), jvm.state().get(s), JvmDifferentialTest.RTOL, JvmDifferentialTest.ATOL);
        }
    }
}
