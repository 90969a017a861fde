package ncd.bench;

import ncd.diag.Diagnostics;
import ncd.driver.Compilation;
import ncd.driver.Trainer;
import ncd.frontend.Program;
import ncd.frontend.TrainSpec;
import ncd.jvm.Gemm;
import ncd.runtime.Backend;
import ncd.runtime.BackendOptions;
import ncd.runtime.train.TrainData;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Times the steps of a {@code train} declaration as {@code ncdc train} runs them: {@link Trainer#fit} over one epoch of
 * an .npz, with a listener that timestamps every step. A step is what the trainer does per batch: gather the shuffled
 * minibatch, run the training-step circuit (forward, gradient, optimiser update), read the loss and gradient norm. The
 * first {@code WARMUP} steps (JIT compilation of the generated code) are left out; the median of the next {@code STEPS}
 * is printed, as one line of JSON, with every step's time. benchmarks/jvm/train_compare.py runs it against PyTorch.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp benchmarks/jmh/target/benchmarks.jar ncd.bench.TrainSteps \
 *     FILE.ncd DATA.npz THREADS WARMUP STEPS [TRAIN]
 * </pre>
 *
 * The data needs at least {@code (WARMUP + STEPS) * batch} samples; only that many are used.
 */
public final class TrainSteps {
    private TrainSteps() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 5) {
            System.err.println("usage: TrainSteps FILE.ncd DATA.npz THREADS WARMUP STEPS [TRAIN]");
            System.exit(2);
        }
        Path file = Path.of(args[0]);
        Path npz = Path.of(args[1]);
        int threads = Integer.parseInt(args[2]), warmup = Integer.parseInt(args[3]), steps = Integer.parseInt(args[4]);
        if (!Gemm.vectorized()) throw new IllegalStateException("run with --add-modules jdk.incubator.vector: without it the figures are the scalar kernels'");

        Diagnostics diags = new Diagnostics();
        Compilation c = new Compilation(diags);
        long t0 = System.nanoTime();
        Program program = c.load(file).orElseThrow(() -> new IllegalStateException(diags.sorted().toString()));
        String name = args.length > 5 ? args[5] : program.trains().get(0).name();
        TrainSpec spec = Trainer.spec(c, program, name).orElseThrow(() -> new IllegalStateException(diags.sorted().toString()));
        Backend jvm = c.backend("jvm").orElseThrow(() -> new IllegalStateException(diags.sorted().toString()));
        Trainer trainer = Trainer.create(c, program, spec, jvm, BackendOptions.defaults().withThreads(threads),
                new Trainer.Overrides(1, null, null, null)).orElseThrow(() -> new IllegalStateException(diags.sorted().toString()));
        double compileSecs = (System.nanoTime() - t0) / 1e9;
        TrainData data = TrainData.load(npz, trainer.dataTypes(), TrainSpec.SAMPLE_AXIS);
        int need = (warmup + steps) * trainer.batch();
        if (data.samples() < need) throw new IllegalArgumentException(npz + " has " + data.samples() + " samples; " + need + " needed");
        data = data.subset(0, need);

        List<Long> stamps = new ArrayList<>();
        List<Double> losses = new ArrayList<>();
        stamps.add(System.nanoTime());
        trainer.fit(data, null, new Trainer.Listener() {
            @Override public void step(Trainer.Step s) {
                stamps.add(System.nanoTime());
                losses.add(s.loss());
            }
        }, null);
        List<Double> times = new ArrayList<>();
        for (int i = warmup; i < warmup + steps; i++) times.add((stamps.get(i + 1) - stamps.get(i)) / 1e9);
        List<Double> sorted = new ArrayList<>(times);
        sorted.sort(null);
        double warm = (stamps.get(warmup) - stamps.get(0)) / 1e9;
        StringBuilder ts = new StringBuilder();
        for (double t : times) ts.append(ts.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "%.6f", t));
        System.out.printf(Locale.ROOT, "{\"seconds_per_step\": %.6f, \"times\": [%s], \"threads\": %d, \"batch\": %d, \"java\": \"%s\", "
                        + "\"compile_seconds\": %.2f, \"warmup_seconds\": %.2f, \"first_loss\": %.4f, \"last_loss\": %.4f}%n",
                sorted.get(sorted.size() / 2), ts, threads, trainer.batch(), System.getProperty("java.vm.name") + " " + Runtime.version(),
                compileSecs, warm, losses.get(0), losses.get(losses.size() - 1));
    }
}
