package ncd.tests;

import ncd.runtime.Npy;
import ncd.ir.Axis;
import ncd.ir.DType;
import ncd.ir.TensorType;
import ncd.runtime.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ncdc run --sequence NAME=FILE.npy}: an input fed one entry per step (a recorded spike train, a time series),
 * read in the input's declared unit like {@code --input}; without {@code --steps} the run is as long as the sequence.
 */
class RunSequenceTest {
    private static final String ACC = """
            axis n = 3
            circuit Acc(x: f32[n] in mV, spike: bool[n]) -> (sum: f32[n] in mV, count: i32[n]) {
              state s: f32[n] in mV = 0 mV
              state c: i32[n] = 0
              next s = s + x
              next c = c + i32(spike)
              return (s + x, c + i32(spike))
            }
            """;

    @Test void eachStepReadsItsOwnEntryOnEveryBackend(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("acc.ncd"), ACC);
        Path xs = dir.resolve("xs.npy"), spikes = dir.resolve("spikes.npy");
        float[] x = new float[12];
        boolean[] sp = new boolean[15];
        for (int i = 0; i < x.length; i++) x[i] = i * 0.5f;
        for (int i = 0; i < sp.length; i++) sp[i] = i % 4 == 0;
        Npy.write(xs, Tensor.of(type(DType.F32, 4, 3), x));
        Npy.write(spikes, Tensor.of(type(DType.BOOL, 5, 3), sp));
        float[] sums = new float[12];
        int[] counts = new int[12];
        for (int s = 0; s < 4; s++) {
            for (int i = 0; i < 3; i++) {
                sums[s * 3 + i] = (s == 0 ? 0 : sums[(s - 1) * 3 + i]) + x[s * 3 + i];
                counts[s * 3 + i] = (s == 0 ? 0 : counts[(s - 1) * 3 + i]) + (sp[s * 3 + i] ? 1 : 0);
            }
        }
        for (String backend : List.of("interp", "jvm")) {
            Path out = dir.resolve("out-" + backend);
            // no --steps: as long as the shorter sequence (4 entries of xs, 5 of spikes)
            Ncdc.Result r = Ncdc.run("run", file.toString(), "--sequence", "x=" + xs, "--sequence", "spike=" + spikes, "--backend", backend, "--out", out.toString());
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.out().startsWith("Acc: 4 steps"), r.out());
            float[] got = (float[]) Npy.read(out.resolve("sum.npy")).data();
            for (int i = 0; i < sums.length; i++) assertEquals(sums[i], got[i], 1e-5, backend + " sum " + i);
            assertArrayEquals(counts, (int[]) Npy.read(out.resolve("count.npy")).data(), backend);
        }
    }

    @Test void badSequencesAreRefusedBeforeTheRun(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("acc.ncd"), ACC);
        Path flat = dir.resolve("flat.npy"), four = dir.resolve("four.npy");
        Npy.write(flat, Tensor.of(type(DType.F32, 3), new float[3]));
        Npy.write(four, Tensor.of(type(DType.F32, 4, 3), new float[12]));

        Ncdc.Result r = Ncdc.run("run", file.toString(), "--sequence", "x=" + flat);
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("error[E0804]: sequence x: " + flat + " has shape [3], but a sequence of input x"), r.err());
        assertTrue(r.err().contains("numpy.stack(xs)"), r.err());

        r = Ncdc.run("run", file.toString(), "--sequence", "x=" + four, "--steps", "5");
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("error[E0804]: --steps 5 runs past the end of sequence x, which has 4 steps"), r.err());

        r = Ncdc.run("run", file.toString(), "--sequence", "x=" + four, "--input", "x=" + flat);
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("error[E0803]: input x is given by both --input and --sequence"), r.err());

        r = Ncdc.run("run", file.toString(), "--sequence", "y=" + four);
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("error[E0805]: the circuit has no input `y`"), r.err());
    }

    private static TensorType type(DType d, int... sizes) {
        List<Axis> axes = new java.util.ArrayList<>();
        for (int i = 0; i < sizes.length; i++) axes.add(new Axis("a" + i, sizes[i]));
        return new TensorType(d, axes, null);
    }
}
