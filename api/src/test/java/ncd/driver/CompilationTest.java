package ncd.driver;

import ncd.diag.DiagCode;
import ncd.diag.Diagnostics;
import ncd.frontend.CompilerBug;
import ncd.frontend.Program;
import ncd.ir.Graph;
import ncd.passes.Pass;
import ncd.passes.PassContext;
import ncd.passes.PassManager;
import ncd.runtime.Backend;
import ncd.runtime.BackendOptions;
import ncd.runtime.Backends;
import ncd.runtime.Executable;
import ncd.runtime.Tensor;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CompilationTest {
    private static final Path FILE = Path.of("driver_test.ncd");
    private static final String SOURCE = """
            axis n = 4
            circuit Twice(x: f32[n]) -> f32[n] {
              let y = tanh(x) * 2.0 + 0.0
              return y
            }
            circuit Decay(x: f32[n]) -> f32[n] {
              param tau: f32[n] = 2
              return x * exp(-1 / tau)
            }
            circuit Counter() -> f32[n] {
              state s: f32[n] = 0.0
              next s = s + 1.0
              return s
            }
            """;

    private static Program program(Compilation c) { return c.load(FILE, SOURCE).orElseThrow(); }

    @Test void everyStageRunsOnceAndInOrder() {
        Diagnostics diags = new Diagnostics();
        Compilation c = new Compilation(diags);
        Executable exec = c.build(program(c), "Twice", Map.of(), "jvm", BackendOptions.defaults()).orElseThrow();
        List<String> stages = c.times().stages().stream().map(StageTimes.Stage::name).toList();
        List<String> want = new ArrayList<>(List.of("frontend", "lower Twice", "verify"));
        for (String p : PassManager.standard().names()) want.add("pass " + p);
        want.addAll(List.of("verify after passes", "backend jvm"));
        assertEquals(want, stages);
        // the frontend's phases and the backend's parts, under their stages; no other stage has parts
        Map<String, List<String>> parts = new java.util.LinkedHashMap<>();
        for (StageTimes.Stage st : c.times().stages()) if (!st.parts().isEmpty()) parts.put(st.name(), st.parts().stream().map(StageTimes.Stage::name).toList());
        assertEquals(List.of("frontend", "backend jvm"), List.copyOf(parts.keySet()));
        assertEquals(List.of("parse", "resolve", "check"), parts.get("frontend"));
        assertEquals(List.copyOf(exec.compileNanos().keySet()), parts.get("backend jvm"));
        assertEquals(4, parts.get("backend jvm").size(), parts.toString());
        String formatted = c.times().format();
        assertTrue(formatted.contains("\n    parse ") && formatted.contains("\n    class load "), formatted);
        assertTrue(diags.all().isEmpty(), diags.all().toString());
        assertTrue(exec.graph().schedule() != null && exec.graph().schedule().memory() != null, "the backend got the scheduled graph");
        Tensor y = exec.step(Map.of("x", Tensor.zeros(exec.graph().inputs().get(0).type()))).values().iterator().next();
        assertEquals(0.0, y.stats().max());
    }

    @Test void verifyingEachPassVerifiesAfterEveryPassInsteadOfOnceAfterThePipeline() {
        Compilation c = new Compilation(new Diagnostics(), Compilation.Settings.standard().verifyingEachPass(true));
        c.build(program(c), "Counter", Map.of(), "interp", BackendOptions.defaults()).orElseThrow();
        assertFalse(c.times().stages().stream().anyMatch(s -> s.name().equals("verify after passes")));
    }

    @Test void aPassThatBreaksTheGraphIsACompilerBugNamingThePass() {
        Pass broken = new Pass() {
            @Override public String name() { return "broken"; }
            @Override public Graph run(Graph g, PassContext ctx) { throw new IllegalStateException("lost a node"); }
        };
        Compilation c = new Compilation(new Diagnostics(), new Compilation.Settings(new PassManager(List.of(broken)), false, (p, g) -> { }));
        Graph g = c.lower(program(c), "Twice", Map.of()).orElseThrow();
        CompilerBug bug = assertThrows(CompilerBug.class, () -> c.optimize(g, BackendOptions.defaults()));
        assertEquals("passes", bug.phase());
        assertTrue(bug.getMessage().contains("pass broken"), bug.getMessage());
    }

    @Test void fusionOffLeavesTheFusePassOut() {
        Compilation c = new Compilation(new Diagnostics());
        Graph lowered = c.lower(program(c), "Twice", Map.of()).orElseThrow();
        Graph fused = c.optimize(lowered, BackendOptions.defaults());
        Graph plain = c.optimize(lowered, BackendOptions.defaults().withFusion(false));
        assertFalse(fused.schedule().fusion().isEmpty(), "tanh and the product share one loop");
        assertTrue(plain.schedule().fusion().isEmpty());
        assertTrue(plain.schedule().memory() != null, "memory is still planned");
    }

    @Test void hoistingOffLeavesTheHoistPassOut() {
        Compilation c = new Compilation(new Diagnostics());
        Graph lowered = c.lower(program(c), "Decay", Map.of()).orElseThrow();
        Graph hoisted = c.optimize(lowered, BackendOptions.defaults());
        Graph plain = c.optimize(lowered, BackendOptions.defaults().withHoisting(false));
        assertEquals(2, hoisted.schedule().hoisted().size(), "-1 / tau and its exp are computed once");
        assertTrue(plain.schedule().hoisted().isEmpty());
    }

    @Test void anUnknownBackendIsACommandLineErrorListingTheInstalledOnes() {
        Diagnostics diags = new Diagnostics();
        Optional<Backend> b = new Compilation(diags).backend("tpu");
        assertTrue(b.isEmpty());
        assertEquals(DiagCode.E0803, diags.sorted().get(0).code());
        for (Backend installed : Backends.all()) assertTrue(diags.sorted().get(0).hint().contains(installed.name()));
    }

    @Test void aBackendOptionTheBackendDoesNotKnowIsACommandLineError() {
        Diagnostics diags = new Diagnostics();
        Compilation c = new Compilation(diags);
        Optional<Executable> e = c.build(program(c), "Twice", Map.of(), "jvm", BackendOptions.defaults().with("warp-speed", "9"));
        assertTrue(e.isEmpty());
        assertEquals(DiagCode.E0803, diags.sorted().get(0).code());
        assertTrue(diags.sorted().get(0).message().contains("warp-speed"), diags.sorted().get(0).message());
    }

    @Test void loweringErrorsGoToTheSinkAndGiveEmpty() {
        Diagnostics diags = new Diagnostics();
        Compilation c = new Compilation(diags);
        assertTrue(c.lower(program(c), "NoSuchCircuit", Map.of()).isEmpty());
        assertEquals(DiagCode.E0801, diags.sorted().get(0).code());
    }

    @Test void everyInstalledBackendEmitsAListing() {
        Compilation c = new Compilation(new Diagnostics());
        Graph g = c.lower(program(c), "Twice", Map.of()).orElseThrow();
        for (Backend b : Backends.available()) {
            String listing = c.emit(g, b, BackendOptions.defaults()).orElseThrow();
            assertFalse(listing.isBlank(), b.name());
        }
        String jvm = c.emit(g, Backends.named("jvm").orElseThrow(), BackendOptions.defaults()).orElseThrow();
        assertTrue(jvm.contains("extends ncd/jvm/Kernel"), "the JVM backend lists the generated class");
        String interp = c.emit(g, Backends.named("interp").orElseThrow(), BackendOptions.defaults()).orElseThrow();
        assertTrue(interp.contains("tanh"), "the interpreter lists the IR it runs");
    }

    @Test void theSeedDrawsTheSameParametersOnEveryBackend() {
        String src = "axis n = 3\ncircuit P(x: f32[n]) -> f32[n] {\n  param w: f32[n] ~ glorot\n  return x * w\n}\n";
        Compilation c = new Compilation(new Diagnostics());
        Program p = c.load(FILE, src).orElseThrow();
        Map<String, Tensor> want = c.build(p, "P", Map.of(), "interp", BackendOptions.defaults().withSeed(7)).orElseThrow().params();
        for (Backend b : Backends.available()) {
            Map<String, Tensor> got = c.build(p, "P", Map.of(), b.name(), BackendOptions.defaults().withSeed(7)).orElseThrow().params();
            assertEquals(want.keySet(), got.keySet());
            for (String k : want.keySet()) assertEquals(0.0, want.get(k).maxAbsDiff(got.get(k)), b.name() + " " + k);
        }
    }
}
