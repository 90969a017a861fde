package ncd.tests;

import ncd.api.CompileException;
import ncd.api.Compiled;
import ncd.api.Ncd;
import ncd.ir.Graph;
import ncd.jvm.JvmBackend;
import ncd.jvm.JvmOptions;
import ncd.passes.PassContext;
import ncd.passes.PassManager;
import ncd.runtime.Executable;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The JVM backend's options, against the interpreter on the lowered graph ({@link BackendDifferentialTest} runs every
 * backend with its defaults). On graphs that carry the standard pipeline's schedule (fusion groups and memory plan
 * made by the passes, not by the backend): every stdlib and example circuit and law, and random programs from
 * {@link ProgramGenerator}, with fusion on (the schedule is followed) and off (the backend plans memory again without
 * it). And random programs with every contraction sent to the sgemm kernel ({@code gemmMinMacs} 1), so that its
 * packing, transposed layouts and edge tiles are all exercised. Tolerances are the op table's ({@link Agreement}):
 * the sgemm kernel accumulates in float, which the table allows contractions.
 */
class JvmScheduleTest {
    private static final long SEED = 11;
    private static final int RANDOM_PROGRAMS = Integer.getInteger("ncd.jvm.scheduledRandomPrograms", 150);
    private static final int RANDOM_GEMM_PROGRAMS = Integer.getInteger("ncd.jvm.randomGemmPrograms", 100);
    private static final Map<String, JvmOptions> FUSION_ON_AND_OFF = fusionOnAndOff();

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
                        () -> agree(label, prog.graph(name, BackendDifferentialTest.sizes(prog, name)), SEED, FUSION_ON_AND_OFF)));
            }
        }
        assertTrue(tests.size() > 20, "found the stdlib and examples");
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> randomProgramsFollowTheirSchedules() {
        return IntStream.range(0, RANDOM_PROGRAMS).mapToObj(i -> randomProgram(20_000 + i, FUSION_ON_AND_OFF));
    }

    @TestFactory
    Stream<DynamicTest> randomProgramsWithSgemmAgreeWithTheInterpreter() {
        Map<String, JvmOptions> sgemm = Map.of(" (sgemm forced)", JvmOptions.defaults().withGemmMinMacs(1));
        return IntStream.range(0, RANDOM_GEMM_PROGRAMS).mapToObj(i -> randomProgram(10_000 + i, sgemm));
    }

    private static DynamicTest randomProgram(long seed, Map<String, JvmOptions> variants) {
        return DynamicTest.dynamicTest("program " + seed, () -> {
            String text = new ProgramGenerator(seed).program();
            Compiled prog = Ncd.compile(Repo.root().resolve("tests/target/scheduled_random_" + seed + ".ncd"), text);
            try {
                agree("program " + seed, prog.graph("P", Map.of()), seed, variants);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\nprogram:\n" + text, e);
            }
        });
    }

    private static Map<String, JvmOptions> fusionOnAndOff() {
        Map<String, JvmOptions> m = new LinkedHashMap<>();
        m.put("", JvmOptions.defaults());
        m.put(" (fusion off)", JvmOptions.defaults().withFusion(false));
        return m;
    }

    static void agree(String label, Graph lowered, long seed, Map<String, JvmOptions> variants) {
        for (Map.Entry<String, JvmOptions> v : variants.entrySet()) {
            // as the driver does: with fusion off, the pipeline leaves the fuse pass out
            PassManager pipeline = v.getValue().fuse() ? PassManager.standard() : PassManager.standard().without("fuse");
            Graph scheduled = pipeline.run(lowered, PassContext.verifying());
            assertTrue(scheduled.schedule() != null && scheduled.schedule().memory() != null, label + ": the pipeline attaches a schedule");
            Executable jvm = JvmBackend.compile(scheduled, seed, v.getValue());
            BackendDifferentialTest.agree("jvm", label + v.getKey(), lowered, seed, jvm);
        }
    }
}
