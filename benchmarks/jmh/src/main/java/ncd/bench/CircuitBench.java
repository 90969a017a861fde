package ncd.bench;

import ncd.api.Compiled;
import ncd.api.Ncd;
import ncd.diag.Diagnostics;
import ncd.driver.Compilation;
import ncd.jvm.Gemm;
import ncd.jvm.JvmBackend;
import ncd.jvm.JvmExecutable;
import ncd.runtime.BackendOptions;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * One step of a circuit of {@code benchmarks/jvm} on the JVM backend, through its allocation-free
 * {@link JvmExecutable#stepInPlace()}: inputs are written into the input buffers once (random, fixed seed) and every
 * step reads them there; outputs stay in their buffers. A subclass names the program, the circuit and its sizes.
 *
 * <p>Short iterations (3 x 2 s warm-up, 5 x 2 s measured, one fork) keep a run of all cases to a few minutes; the
 * slowest step (the transformer layer, ~40 ms) still gets ~50 operations per iteration.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public abstract class CircuitBench {
    static final long SEED = 0;

    JvmExecutable exec;

    /** What to run: {@code circuit} of {@code benchmarks/jvm/FILE} with these axis sizes; the threads a matrix product may use. */
    record Spec(String file, String circuit, Map<String, Integer> sizes, int threads) {}

    /** The case, sized from the subclass's parameters. */
    abstract Spec spec();

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        // Figures without the Vector API would be the scalar fallback's, not the backend's: refuse unless asked for.
        if (!Gemm.vectorized() && !"false".equals(System.getProperty("ncd.jvm.vector"))) {
            throw new IllegalStateException("jdk.incubator.vector is not in the forked JVM (run with --add-modules "
                    + "jdk.incubator.vector, or -Dncd.jvm.vector=false to time the scalar kernel)");
        }
        prepare(program(spec().file()));
    }

    /** Compiles the case from the checked program and writes random inputs into its input buffers. */
    void prepare(Compiled prog) throws Exception {
        Spec s = spec();
        Diagnostics diags = new Diagnostics();
        BackendOptions options = BackendOptions.defaults().withSeed(SEED).withThreads(s.threads());
        exec = (JvmExecutable) new Compilation(diags).instantiate(prog.graph(s.circuit(), s.sizes()), new JvmBackend(), options)
                .orElseThrow(() -> new IllegalStateException(diags.sorted().toString()));
        for (String name : exec.inputNames()) fill(exec.inputBuffer(name), new SplittableRandom(SEED + name.hashCode()));
    }

    /** One step: the generated {@code step()} and the state advance; allocates nothing. */
    @Benchmark
    public void step() {
        exec.stepInPlace();
    }

    /** Checks {@code benchmarks/jvm/FILE}, read from the jar (it travels there, so the jar runs from any directory). */
    static Compiled program(String file) throws Exception {
        return Ncd.compile(Path.of(file), source(file));
    }

    private static String source(String file) throws IOException {
        try (InputStream in = CircuitBench.class.getResourceAsStream("/ncd/bench/" + file)) {
            if (in == null) throw new IOException("benchmarks/jvm/" + file + " is not in the jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void fill(Object buf, SplittableRandom r) {
        if (buf instanceof float[] f) {
            for (int i = 0; i < f.length; i++) f[i] = (float) (2 * r.nextDouble() - 1);
        } else if (buf instanceof double[] d) {
            for (int i = 0; i < d.length; i++) d[i] = 2 * r.nextDouble() - 1;
        } else if (buf instanceof int[] n) {
            for (int i = 0; i < n.length; i++) n[i] = r.nextInt(-100, 100);
        } else if (buf instanceof boolean[] b) {
            for (int i = 0; i < b.length; i++) b[i] = r.nextBoolean();
        } else {
            throw new IllegalStateException("unexpected input buffer " + buf.getClass());
        }
    }
}
