package ncd.tests;

import ncd.api.Circuit;
import ncd.api.Compiled;
import ncd.api.Ncd;
import ncd.runtime.Backends;
import ncd.runtime.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * examples/lif_fi.ncd against the analytic f-I curve of the LIF neuron with an absolute refractory period: over one
 * second of simulated time (10,000 steps of 0.1 ms), every neuron above the rheobase fires at
 * {@code 1 / (t_ref + tau ln(R I / (R I - (v_th - v_reset))))} within 1%, and those at or below it never fire, on
 * every backend that runs here.
 */
class LifFiTest {
    private static final double TAU = 20e-3, R = 10e6, V_GAP = 15e-3, T_REF = 2e-3, DT = 1e-4;
    private static final int STEPS = 10_000;

    @Test void firingRatesFollowTheAnalyticCurve() throws Exception {
        Compiled c = Ncd.compile(Repo.root().resolve("examples/lif_fi.ncd"));
        for (var b : Backends.available()) {
            Circuit sweep = c.circuit("Sweep", Map.of(), 0, b.name());
            int n = Math.toIntExact(sweep.graph().outputs().get(0).node().type().elementCount());
            List<List<Integer>> spikes = new ArrayList<>();
            for (int i = 0; i < n; i++) spikes.add(new ArrayList<>());
            for (int s = 0; s < STEPS; s++) {
                Tensor out = sweep.step(Map.of()).get("out");
                for (int i = 0; i < n; i++) if (out.bools()[i]) spikes.get(i).add(s);
            }
            int firing = 0;
            for (int i = 0; i < n; i++) {
                double current = 1.4e-9 + 0.1e-9 * i, drive = R * current;
                List<Integer> k = spikes.get(i);
                if (drive <= V_GAP + 1e-12) {
                    assertTrue(k.isEmpty(), b.name() + ": neuron " + i + " at " + current + " A is at or below the rheobase but fired " + k.size() + " times");
                    continue;
                }
                double want = 1 / (T_REF + TAU * Math.log(drive / (drive - V_GAP)));
                assertTrue(k.size() >= 3, b.name() + ": neuron " + i + " fired " + k.size() + " times");
                double got = (k.size() - 1) / ((k.get(k.size() - 1) - k.get(0)) * DT);
                assertEquals(want, got, 0.01 * want, b.name() + ": rate of neuron " + i + " at " + current + " A");
                firing++;
            }
            assertEquals(n - 2, firing, "all but the two neurons at or below the rheobase fire");
        }
    }
}
