package ncd.tests;

import ncd.runtime.Npy;
import ncd.runtime.NpyArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ncdc run --record ... --dt ... --out ... --plot ...}: the monitors' files agree with the run's own outputs
 * and with the circuit's initial state, and the plot is drawn.
 */
class RunMonitorTest {
    @Test void spikesTracesAndRatesAgreeWithTheRunAndThePlotIsDrawn(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("rec"), png = dir.resolve("activity.png");
        int steps = 600, every = 7;
        Ncdc.Result r = Ncdc.run("run", Repo.root().resolve("examples/lif.ncd").toString(), "--circuit", "Driven", "--steps", Integer.toString(steps),
                "--dt", "0.1ms", "--record", "out,LIF_0.v", "--record-every", Integer.toString(every), "--out", out.toString(), "--plot", png.toString());
        assertEquals(0, r.exit(), r.err());

        // spikes: every true value of the stacked output, in step order, at step * 0.1 ms
        boolean[] spikes = (boolean[]) Npy.read(out.resolve("out.npy")).data();
        double[] t = (double[]) Npy.read(out.resolve("out.spike_t.npy")).data();
        int[] i = (int[]) Npy.read(out.resolve("out.spike_i.npy")).data();
        int n = spikes.length / steps, k = 0;
        for (int s = 0; s < steps; s++) {
            for (int e = 0; e < n; e++) {
                if (!spikes[s * n + e]) continue;
                assertEquals(s * 1e-4, t[k], 1e-12, "time of spike " + k);
                assertEquals(e, i[k], "index of spike " + k);
                k++;
            }
        }
        assertEquals(k, t.length);
        assertTrue(k > 0, "the upper half of the population fires within 60 ms");
        double[] rate = (double[]) Npy.read(out.resolve("out.rate.npy")).data();
        assertEquals(steps, rate.length);
        double total = 0;
        for (double x : rate) total += x * n * 1e-4;
        assertEquals(k, total, 1e-6, "the rate (Hz) integrates to the spike count");

        // traces: the membrane before each recorded step, from v_rest = -65 mV at step 0
        NpyArray v = Npy.read(out.resolve("LIF_0.v.trace.npy"));
        assertArrayEquals(new int[] {(steps + every - 1) / every, n}, v.shape());
        float[] vs = (float[]) v.data();
        for (int e = 0; e < n; e++) assertEquals(-0.065f, vs[e], 1e-7f);
        double[] vt = (double[]) Npy.read(out.resolve("LIF_0.v.trace_t.npy")).data();
        assertEquals(every * 1e-4, vt[1], 1e-12);

        BufferedImage img = ImageIO.read(png.toFile());
        assertTrue(img.getWidth() >= 800 && img.getHeight() >= 400, img.getWidth() + "x" + img.getHeight());
        assertTrue(Files.size(png) > 10_000, "a drawn plot, not an empty image");
    }

    @Test void recordingWhatTheCircuitDoesNotHaveNamesWhatItHas() {
        Ncdc.Result r = Ncdc.run("run", Repo.root().resolve("examples/lif.ncd").toString(), "--circuit", "Driven", "--record", "v");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("no state or output `v`") && r.err().contains("LIF_0.v"), r.err());
    }

    @Test void aPlotNeedsRecordingsAndATimeStepNeedsAUnit() {
        Ncdc.Result r = Ncdc.run("run", Repo.root().resolve("examples/lif.ncd").toString(), "--circuit", "Driven", "--plot", "x.png", "--dt", "0.1");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("nothing is recorded") && r.err().contains("--dt needs a positive time with its unit"), r.err());
    }
}
