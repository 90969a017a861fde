package ncd.tests;

import ncd.api.Circuit;
import ncd.api.Compiled;
import ncd.api.Ncd;
import ncd.ir.Attr;
import ncd.ir.Node;
import ncd.ir.Op;
import ncd.runtime.Backend;
import ncd.runtime.Backends;
import ncd.runtime.Delays;
import ncd.runtime.Synapses;
import ncd.runtime.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Delays as ring buffers (docs/semantics.md, "Delays"), on every available backend: the arrival steps of a delay line,
 * of homogeneous and of per-synapse synaptic delays against a schedule computed here from the connectivity and the
 * drawn delays, and against the shift registers std.delays used before (which must agree exactly where both apply:
 * counts of spikes are exact in f32 in any order); the interpreter and the JVM backend bit for bit; a reset that
 * drops what is in flight; the ring and its head visible as states.
 */
class DelayTest {
    private static final int STEPS = 80;
    private static final String SOURCE = """
            import std.delays.{Delay, DelayedInput}

            axis pre = 40, post = 30, feature = 3, slot = 15, lag = 20

            // std.delays.Delay as it was before its ring buffer: a shift register moving every slot each step.
            circuit ShiftDelay<N, slot>(s: bool[N]) -> bool[N] {
              state buf: f32[slot, N] = expand[slot, N](0.0)
              let last = f32(iota[slot]() == size(slot) - 1)
              next buf = shift[slot, 1](buf) + f32(iota[slot]() == 0) @[] f32(s)
              return last @[slot] buf > 0.5
            }

            circuit Lines() -> (sent: bool[feature], ring: bool[feature], std: bool[feature], shifted: bool[feature], graded: f32[feature]) {
              const dt = 0.1 ms
              let s = bernoulli[feature, seed = 3](0.3)
              let x = f32(iota[feature]() + 1) * f32(s)
              return (s, delay[1.5 ms](s), Delay<feature, slot>(s), ShiftDelay<feature, slot>(s), delay[15](x))
            }

            circuit Homogeneous(W: f32[post, pre]) -> (sent: bool[pre], now: f32[post], late: f32[post], shifted: f32[post]) {
              const dt = 0.1 ms
              let s = bernoulli[pre, seed = 4](0.2)
              let now = synapses[pre -> post, p = 0.1, seed = 1](s)
              let late = synapses[pre -> post, p = 0.1, seed = 1, delay = 1.5 ms](s)
              return (s, now, late, DelayedInput<pre, post, slot>(s, W, expand[post, pre](1.5 ms)))
            }

            circuit PerSynapse(W: f32[post, pre], steps: f32[post, pre]) -> (sent: bool[pre], ring: f32[post], shifted: f32[post]) {
              const dt = 0.1 ms
              let s = bernoulli[pre, seed = 5](0.2)
              let ring = synapses[pre -> post, p = 0.3, seed = 2, delay = uniform(0 ms, 2 ms)](s)
              return (s, ring, DelayedInput<pre, post, lag>(s, W, steps * dt))
            }
            """;
    private static Compiled compiled;

    @BeforeAll static void compile() throws Exception {
        compiled = Ncd.compile(Repo.root().resolve("tests/target/delay_test.ncd"), SOURCE);
    }

    /** Each output of {@code steps} steps, one double[] per step. */
    private static Map<String, List<double[]>> run(Circuit c, Map<String, Tensor> inputs, int steps) {
        Map<String, List<double[]>> out = new LinkedHashMap<>();
        for (int s = 0; s < steps; s++) {
            for (Map.Entry<String, Tensor> e : c.step(inputs).entrySet()) {
                double[] v = new double[e.getValue().size()];
                for (int i = 0; i < v.length; i++) v[i] = e.getValue().get(i);
                out.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(v);
            }
        }
        return out;
    }

    private static void sameRuns(String what, List<double[]> want, List<double[]> got) {
        assertEquals(want.size(), got.size(), what);
        for (int t = 0; t < want.size(); t++) assertArrayEquals(want.get(t), got.get(t), 0, what + " at step " + t);
    }

    /** The plan of the circuit's one synaptic DELAY, as both backends make it. */
    private static Delays.Plan delayPlan(Circuit c) {
        for (Node n : c.graph().nodes()) {
            if (n.op() == Op.DELAY) {
                Attr.Delay d = (Attr.Delay) n.attr();
                int row = n.type().arrayLength() / d.lag().size();
                return Delays.plan(d, n.scope(), n.input(2).type().dtype(), n.input(2).type().arrayLength(), row);
            }
        }
        throw new AssertionError("no delay op in " + c.graph().name());
    }

    /** The connection matrix W[post, pre] (1 where j reaches i) and, with {@code steps}, each synapse's delay in steps. */
    private static Map<String, Tensor> matrices(Circuit c, Delays.Plan p, boolean steps) {
        int nPre = p.syn().nPre(), nPost = p.syn().nPost();
        float[] w = new float[nPost * nPre], d = new float[nPost * nPre];
        for (int j = 0; j < nPre; j++) {
            for (int i : Synapses.targets(p.syn(), j)) {
                w[i * nPre + j] = 1;
                d[i * nPre + j] = Delays.steps(p, j, i);
            }
        }
        Map<String, Tensor> in = new LinkedHashMap<>();
        for (Node n : c.graph().inputs()) {
            String name = ((Attr.Named) n.attr()).name();
            if (name.equals("W")) in.put(name, Tensor.of(n.type(), w));
            if (name.equals("steps") && steps) in.put(name, Tensor.of(n.type(), d));
        }
        return in;
    }

    @Test void aDelayLineGivesEachValueBackExactlyItsStepsLater() throws Exception {
        Map<String, List<double[]>> first = null;
        for (Backend b : Backends.available()) {
            Map<String, List<double[]>> r = run(compiled.circuit("Lines", Map.of(), 0, b.name()), Map.of(), STEPS);
            List<double[]> sent = r.get("sent");
            int events = 0;
            for (int t = 0; t < STEPS; t++) {
                for (int i = 0; i < 3; i++) {
                    double want = t >= 15 ? sent.get(t - 15)[i] : 0;
                    events += (int) sent.get(t)[i];
                    assertEquals(want, r.get("ring").get(t)[i], b.name() + ": delay[1.5 ms] at step " + t + ", element " + i);
                    assertEquals(want * (i + 1), r.get("graded").get(t)[i], b.name() + ": delay[15] of graded values at step " + t);
                }
            }
            assertTrue(events > 20, "the input spikes often enough to test something: " + events);
            sameRuns(b.name() + ": std.delays.Delay (ring) against the shift register", r.get("shifted"), r.get("std"));
            sameRuns(b.name() + ": delay[1.5 ms] against the shift register", r.get("shifted"), r.get("ring"));
            if (first == null) first = r;
            else for (String k : r.keySet()) sameRuns(b.name() + " against the first backend: " + k, first.get(k), r.get(k));
        }
    }

    @Test void homogeneousSynapticDelaysDeliverTheUndelayedSumsLater() throws Exception {
        Map<String, List<double[]>> first = null;
        for (Backend b : Backends.available()) {
            Circuit c = compiled.circuit("Homogeneous", Map.of(), 0, b.name());
            Map<String, List<double[]>> r = run(c, matrices(c, delayPlan(c), false), STEPS);
            double arrived = 0;
            for (int t = 0; t < STEPS; t++) {
                double[] want = t >= 15 ? r.get("now").get(t - 15) : new double[30];
                assertArrayEquals(want, r.get("late").get(t), 0, b.name() + ": synapses with delay = 1.5 ms at step " + t);
                for (double v : r.get("late").get(t)) arrived += v;
            }
            assertTrue(arrived > 50, "enough arrives to test something: " + arrived);
            sameRuns(b.name() + ": against std.delays.DelayedInput's shift register", r.get("shifted"), r.get("late"));
            if (first == null) first = r;
            else for (String k : r.keySet()) sameRuns(b.name() + " against the first backend: " + k, first.get(k), r.get(k));
        }
    }

    @Test void perSynapseDelaysArriveOnTheScheduleTheirDrawsGive() throws Exception {
        Map<String, List<double[]>> first = null;
        for (Backend b : Backends.available()) {
            Circuit c = compiled.circuit("PerSynapse", Map.of(), 0, b.name());
            Delays.Plan p = delayPlan(c);
            assertEquals(21, p.lag(), "delays of 0 to 20 steps: 21 rows");
            Map<String, List<double[]>> r = run(c, matrices(c, p, true), STEPS);
            // the schedule: a spike of j at step t reaches i at t + d(j, i)
            double[][] want = new double[STEPS][30];
            int zero = 0, longest = 0;
            for (int t = 0; t < STEPS; t++) {
                for (int j = 0; j < 40; j++) {
                    if (r.get("sent").get(t)[j] == 0) continue;
                    for (int i : Synapses.targets(p.syn(), j)) {
                        int d = Delays.steps(p, j, i);
                        if (d == 0) zero++;
                        longest = Math.max(longest, d);
                        if (t + d < STEPS) want[t + d][i] += 1;
                    }
                }
            }
            assertTrue(zero > 0 && longest == 20, "the draws include delays of 0 steps and of 20: " + zero + ", " + longest);
            for (int t = 0; t < STEPS; t++) assertArrayEquals(want[t], r.get("ring").get(t), 0, b.name() + ": per-synapse delays at step " + t);
            sameRuns(b.name() + ": against std.delays.DelayedInput's shift register", r.get("shifted"), r.get("ring"));
            if (first == null) first = r;
            else for (String k : r.keySet()) sameRuns(b.name() + " against the first backend: " + k, first.get(k), r.get(k));
        }
    }

    @Test void aResetDropsWhatIsInFlightAndTheRingIsState() throws Exception {
        for (Backend b : Backends.available()) {
            Circuit c = compiled.circuit("PerSynapse", Map.of(), 0, b.name());
            Map<String, Tensor> in = matrices(c, delayPlan(c), true);
            Map<String, List<double[]>> once = run(c, in, 40);
            assertTrue(c.state().keySet().stream().anyMatch(k -> k.endsWith("delay0_ring")), "the ring is a state: " + c.state().keySet());
            assertTrue(c.state().keySet().stream().anyMatch(k -> k.endsWith("delay0_head")), "its head is a state: " + c.state().keySet());
            Tensor ring = c.state().entrySet().stream().filter(e -> e.getKey().endsWith("delay0_ring")).findFirst().orElseThrow().getValue();
            double inFlight = 0;
            for (int i = 0; i < ring.size(); i++) inFlight += ring.get(i);
            assertTrue(inFlight > 0, b.name() + ": spikes are in flight when the run stops");
            c.reset();
            Map<String, List<double[]>> again = run(c, in, 40);
            for (String k : once.keySet()) sameRuns(b.name() + ": after a reset, " + k, once.get(k), again.get(k));
        }
    }

    @Test void theInterpreterAndTheJvmBackendBothRunThese() {
        List<String> names = Backends.available().stream().map(Backend::name).toList();
        assertTrue(names.contains("interp") && names.contains("jvm"), "both compared above: " + names);
    }
}
