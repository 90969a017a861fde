package ncd.driver;

import ncd.diag.Diagnostics;
import ncd.frontend.Program;
import ncd.frontend.TrainSpec;
import ncd.ir.Axis;
import ncd.ir.DType;
import ncd.ir.TensorType;
import ncd.ir.Unit;
import ncd.runtime.BackendOptions;
import ncd.runtime.Npz;
import ncd.runtime.Tensor;
import ncd.runtime.train.Checkpoint;
import ncd.runtime.train.TrainData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The trainer against the update rules written out by hand: a linear model with a squared error, whose gradient
 * is known in closed form, stepped by each optimiser; both backends; exact resume; divergence.
 */
class TrainerTest {
    private static final int I = 3;
    private static final int N = 8;

    private static String source(String settings) {
        return """
                axis i = 3
                circuit Objective(x: f32[i], y: f32) -> (loss: f32, error: f32) {
                  param w: f32[i] ~ normal(0, 1)
                  param b: f32 = 0.5
                  let e = w @[i] x + b - y
                  return (e * e, abs(e))
                }
                train Fit = Objective { %s }
                """.formatted(settings);
    }

    @TempDir Path dir;

    private final float[] xs = new float[N * I];
    private final float[] ys = new float[N];

    private TrainData data() throws Exception {
        Random r = new Random(7);
        for (int k = 0; k < xs.length; k++) xs[k] = (float) r.nextGaussian();
        for (int k = 0; k < N; k++) ys[k] = (float) r.nextGaussian();
        Path f = dir.resolve("d.npz");
        Axis sample = new Axis("n", N);
        Map<String, Tensor> arrays = new LinkedHashMap<>();
        arrays.put("x", Tensor.of(new TensorType(DType.F32, List.of(sample, new Axis("i", I)), Unit.NONE), xs.clone()));
        arrays.put("y", Tensor.of(new TensorType(DType.F32, List.of(sample), Unit.NONE), ys.clone()));
        Npz.write(f, arrays);
        Map<String, TensorType> types = new LinkedHashMap<>();
        types.put("x", new TensorType(DType.F32, List.of(new Axis("i", I)), Unit.NONE));
        types.put("y", TensorType.scalar(DType.F32));
        return TrainData.load(f, types, TrainSpec.SAMPLE_AXIS);
    }

    private static Trainer trainer(String settings, String backend, Trainer.Overrides o) {
        Compilation c = new Compilation(new Diagnostics());
        Program p = c.load(Path.of("train_test.ncd"), source(settings)).orElseThrow(() -> new AssertionError(c.diagnostics().all()));
        TrainSpec spec = Trainer.spec(c, p, "Fit").orElseThrow();
        return Trainer.create(c, p, spec, c.backend(backend).orElseThrow(), BackendOptions.defaults(), o)
                .orElseThrow(() -> new AssertionError(c.diagnostics().all()));
    }

    /** The mean gradient of the batch's squared error in (w, b), in doubles: d/dw = mean 2 e x, d/db = mean 2 e. */
    private double[] gradient(double[] w, double b) {
        double[] g = new double[I + 1];
        for (int n = 0; n < N; n++) {
            double e = b - ys[n];
            for (int k = 0; k < I; k++) e += w[k] * xs[n * I + k];
            for (int k = 0; k < I; k++) g[k] += 2 * e * xs[n * I + k] / N;
            g[I] += 2 * e / N;
        }
        return g;
    }

    private static double[] params(Trainer t) {
        Map<String, Tensor> p = t.params(false);
        double[] out = new double[I + 1];
        for (int k = 0; k < I; k++) out[k] = p.get("w").get(k);
        out[I] = p.get("b").get(0);
        return out;
    }

    private static void assertClose(double[] want, double[] got, double tol, String what) {
        for (int k = 0; k < want.length; k++) {
            assertEquals(want[k], got[k], tol * Math.max(1, Math.abs(want[k])), what + " [" + k + "]: want " + Arrays.toString(want) + ", got " + Arrays.toString(got));
        }
    }

    @Test void adamTakesTheStepsOfItsFormula() throws Exception {
        TrainData d = data();
        Trainer t = trainer("optimizer = adam, lr = 0.1, batch = 8, epochs = 3", "jvm", Trainer.Overrides.none());
        double[] p = params(t);
        double[] m = new double[I + 1], v = new double[I + 1];
        for (int step = 1; step <= 3; step++) {
            double[] g = gradient(Arrays.copyOf(p, I), p[I]);
            for (int k = 0; k <= I; k++) {
                m[k] = 0.9 * m[k] + 0.1 * g[k];
                v[k] = 0.999 * v[k] + 0.001 * g[k] * g[k];
                double mh = m[k] / (1 - Math.pow(0.9, step)), vh = v[k] / (1 - Math.pow(0.999, step));
                p[k] -= 0.1 * mh / (Math.sqrt(vh) + 1e-8);
            }
        }
        t.fit(d, null, null, null);
        assertEquals(3, t.stepsDone());
        assertClose(p, params(t), 1e-5, "adam after 3 steps");
    }

    @Test void sgdWithMomentumAndAdamwAndClippingTakeTheStepsOfTheirFormulas() throws Exception {
        TrainData d = data();
        Trainer sgd = trainer("optimizer = sgd, lr = 0.05, momentum = 0.9, batch = 8, epochs = 2", "jvm", Trainer.Overrides.none());
        double[] p = params(sgd);
        double[] m = new double[I + 1];
        for (int step = 1; step <= 2; step++) {
            double[] g = gradient(Arrays.copyOf(p, I), p[I]);
            for (int k = 0; k <= I; k++) {
                m[k] = 0.9 * m[k] + g[k];
                p[k] -= 0.05 * m[k];
            }
        }
        sgd.fit(d, null, null, null);
        assertClose(p, params(sgd), 1e-5, "sgd with momentum");

        Trainer adamw = trainer("optimizer = adamw, lr = 0.1, weight_decay = 0.5, clip = 0.25, batch = 8, epochs = 1", "jvm", Trainer.Overrides.none());
        double[] q = params(adamw);
        double[] g = gradient(Arrays.copyOf(q, I), q[I]);
        double norm = 0;
        for (double x : g) norm += x * x;
        norm = Math.sqrt(norm);
        double scale = norm > 0.25 ? 0.25 / norm : 1;
        for (int k = 0; k <= I; k++) {
            double gk = g[k] * scale;
            double mh = 0.1 * gk / 0.1, vh = 0.001 * gk * gk / 0.001;   // step 1: the bias correction gives g and g^2 back
            q[k] = q[k] * (1 - 0.1 * 0.5) - 0.1 * mh / (Math.sqrt(vh) + 1e-8);
        }
        adamw.fit(d, null, null, null);
        assertClose(q, params(adamw), 1e-5, "adamw with clipping");
    }

    @Test void frozenParametersStayAsTheyWere() throws Exception {
        Trainer t = trainer("freeze = [b], lr = 0.1, batch = 4, epochs = 2", "jvm", Trainer.Overrides.none());
        double b0 = params(t)[I];
        double w0 = params(t)[0];
        t.fit(data(), null, null, null);
        assertEquals(b0, params(t)[I]);
        assertTrue(params(t)[0] != w0, "w trains");
    }

    @Test void bothBackendsTrainTheSameParameters() throws Exception {
        TrainData d = data();
        Trainer jvm = trainer("lr = 0.05, batch = 4, epochs = 5", "jvm", Trainer.Overrides.none());
        Trainer interp = trainer("lr = 0.05, batch = 4, epochs = 5", "interp", Trainer.Overrides.none());
        assertArrayEquals(params(jvm), params(interp), "the same initial parameters from the same seed");
        Trainer.Epoch a = jvm.fit(d, d, null, null);
        Trainer.Epoch b = interp.fit(d, d, null, null);
        assertClose(params(interp), params(jvm), 1e-4, "jvm against the interpreter after 10 steps");
        assertEquals(b.validation().get("loss"), a.validation().get("loss"), 1e-4);
        assertTrue(a.validation().get("loss") < data().samples(), "finite");
    }

    @Test void aResumedRunEndsBitForBitWhereAnUnbrokenOneDoes() throws Exception {
        TrainData d = data();
        Trainer whole = trainer("lr = 0.05, batch = 2, epochs = 4", "jvm", Trainer.Overrides.none());
        whole.fit(d, null, null, null);

        Trainer first = trainer("lr = 0.05, batch = 2, epochs = 4", "jvm", new Trainer.Overrides(2, null, null, null));
        first.fit(d, null, null, null);
        Path ck = dir.resolve("ck.safetensors");
        Checkpoint.write(ck, first.checkpoint());

        Trainer rest = trainer("lr = 0.05, batch = 2, epochs = 4", "jvm", Trainer.Overrides.none());
        rest.restore(Checkpoint.read(ck));
        assertEquals(8, rest.stepsDone());
        rest.fit(d, null, null, null);
        Map<String, Tensor> a = whole.params(true), b = rest.params(true);
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) assertArrayEquals((float[]) a.get(k).data(), (float[]) b.get(k).data(), k);
    }

    @Test void aCheckpointTakenInsideAnEpochResumesBitForBit() throws Exception {
        TrainData d = data();
        String settings = "lr = 0.05, batch = 2, epochs = 2";
        Trainer whole = trainer(settings, "jvm", Trainer.Overrides.none());
        whole.fit(d, null, null, null);

        // the process stops after step 3 of 8, in the first epoch of 4 steps, right after writing its checkpoint
        final class Killed extends RuntimeException { }
        Path ck = dir.resolve("mid.safetensors");
        Trainer first = trainer(settings, "jvm", Trainer.Overrides.none());
        assertThrows(Killed.class, () -> first.fit(d, null, new Trainer.Listener() {
            @Override public void step(Trainer.Step s) {
                if (s.step() < 3) return;
                try {
                    Checkpoint.write(ck, first.checkpoint());
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                throw new Killed();
            }
        }, null));

        Trainer rest = trainer(settings, "jvm", Trainer.Overrides.none());
        rest.restore(Checkpoint.read(ck));
        assertEquals(3, rest.stepsDone());
        rest.fit(d, null, null, null);
        Map<String, Tensor> a = whole.params(true), b = rest.params(true);
        for (String k : a.keySet()) assertArrayEquals((float[]) a.get(k).data(), (float[]) b.get(k).data(), k);
    }

    @Test void aCheckpointOfAnotherSeedIsRefused() throws Exception {
        Trainer first = trainer("batch = 2, epochs = 1", "jvm", Trainer.Overrides.none());
        first.fit(data(), null, null, null);
        Trainer other = trainer("batch = 2, epochs = 2, seed = 3", "jvm", Trainer.Overrides.none());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> other.restore(first.checkpoint()));
        assertTrue(e.getMessage().contains("seed 0"), e.getMessage());
    }

    private static final String RECURRENT = """
            axis hid = 3
            circuit Objective(x: f32, y: f32) -> (loss: f32) {
              param w: f32[hid] ~ normal(0, 1)
              param r: f32[hid] ~ normal(0, 0.5)
              state h: f32[hid] = 0
              let h_new = tanh(w * x + r * h)
              next h = h_new
              return (sum[hid](h_new) - y)^2
            }
            train Full = Objective { optimizer = sgd, lr = %s, batch = 4, epochs = 1, steps = 6 }
            train Chunked = Objective { optimizer = sgd, lr = %s, batch = 4, epochs = 1, steps = 6, bptt = %d }
            """;

    private static Trainer recurrent(String name, String lr, int bptt) {
        Compilation c = new Compilation(new Diagnostics());
        Program p = c.load(Path.of("bptt_test.ncd"), RECURRENT.formatted(lr, lr, bptt)).orElseThrow(() -> new AssertionError(c.diagnostics().all()));
        return Trainer.create(c, p, Trainer.spec(c, p, name).orElseThrow(), c.backend("jvm").orElseThrow(), BackendOptions.defaults(), Trainer.Overrides.none())
                .orElseThrow(() -> new AssertionError(c.diagnostics().all()));
    }

    private TrainData sequences(Trainer t) throws Exception {
        Random r = new Random(11);
        float[] x = new float[8 * 6], y = new float[8 * 6];
        for (int k = 0; k < x.length; k++) { x[k] = (float) r.nextGaussian(); y[k] = (float) r.nextGaussian(); }
        Axis n = new Axis("n", 8), step = new Axis("t", 6);
        Map<String, Tensor> arrays = new LinkedHashMap<>();
        arrays.put("x", Tensor.of(new TensorType(DType.F32, List.of(n, step), Unit.NONE), x));
        arrays.put("y", Tensor.of(new TensorType(DType.F32, List.of(n, step), Unit.NONE), y));
        Path f = dir.resolve("seq.npz");
        Npz.write(f, arrays);
        return TrainData.load(f, t.dataTypes(), TrainSpec.SAMPLE_AXIS);
    }

    @Test void truncatedBackpropagationThroughTimeCarriesTheStateAcrossChunks() throws Exception {
        // chunks as long as the run are full BPTT, bit for bit
        Trainer full = recurrent("Full", "0.1", 6), whole = recurrent("Chunked", "0.1", 6);
        full.fit(sequences(full), null, null, null);
        whole.fit(sequences(whole), null, null, null);
        assertEquals(2, full.stepsDone());
        Map<String, Tensor> a = full.params(false), b = whole.params(false);
        for (String k : a.keySet()) assertArrayEquals((float[]) a.get(k).data(), (float[]) b.get(k).data(), k);

        // chunks of 2: three steps per batch, whose losses add up to the batch's loss over the run (with a learning
        // rate too small to move a weight, the state carried into a chunk is the one the run reaches there)
        Trainer still = recurrent("Full", "1e-30", 6), chunked = recurrent("Chunked", "1e-30", 2);
        List<Double> runLoss = new java.util.ArrayList<>(), chunkLoss = new java.util.ArrayList<>();
        still.fit(sequences(still), null, new Trainer.Listener() {
            @Override public void step(Trainer.Step s) { runLoss.add(s.loss()); }
        }, null);
        chunked.fit(sequences(chunked), null, new Trainer.Listener() {
            @Override public void step(Trainer.Step s) { chunkLoss.add(s.loss()); }
        }, null);
        assertEquals(6, chunked.stepsDone(), "3 chunks for each of 2 batches");
        for (int batch = 0; batch < 2; batch++) {
            double sum = chunkLoss.get(3 * batch) + chunkLoss.get(3 * batch + 1) + chunkLoss.get(3 * batch + 2);
            assertEquals(runLoss.get(batch), sum, 1e-5 * Math.abs(runLoss.get(batch)), "batch " + batch + ": chunks " + chunkLoss);
        }
    }

    @Test void aLossThatIsNoLongerFiniteStopsNamingTheStepAndTheParameter() throws Exception {
        Trainer t = trainer("optimizer = sgd, lr = 1e30, batch = 8, epochs = 5", "jvm", Trainer.Overrides.none());
        Trainer.Diverged e = assertThrows(Trainer.Diverged.class, () -> t.fit(data(), null, null, null));
        assertTrue(e.getMessage().matches("step \\d+: the loss is .*parameter that is no longer finite after the update: [wb].*"), e.getMessage());
        assertTrue(t.stepsDone() < 5, "stopped early");
    }
}
