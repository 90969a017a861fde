package ncd.tests;

import ncd.api.Circuit;
import ncd.api.Compiled;
import ncd.api.Ncd;
import ncd.runtime.Backend;
import ncd.runtime.Backends;
import ncd.runtime.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * std.reservoirs and std.automata through examples/reservoirs.ncd, on every backend: the E/I echo-state reservoir
 * brings every neuron's mean square activity to within 20% of its target, for two targets three times apart (the
 * same weights: only the local gains differ, and in the direction the rule says); the liquid state machine's
 * neurons all fire (none above 50 Hz) and its liquid state is the exactly filtered spikes; HighLife (B36/S23) steps as a direct Java
 * count of neighbours on the torus says.
 */
class ReservoirTest {
    private static Compiled compiled;

    @BeforeAll static void compile() throws Exception {
        compiled = Ncd.compile(Repo.root().resolve("examples/reservoirs.ncd"));
    }

    @Test void reservoirAdaptsToItsTargetActivity() throws Exception {
        for (Backend b : Backends.available()) {
            double[] gE = new double[2];
            String[] circuits = {"BalancedLow", "BalancedHigh"};
            double[] targets = {0.05, 0.15};
            for (int r = 0; r < 2; r++) {
                Circuit c = compiled.circuit(circuits[r], Map.of(), 0, b.name());
                double[] meanSq = new double[50];
                Map<String, Tensor> out = null;
                for (int t = 0; t < 4000; t++) {
                    out = c.step(Map.of());
                    if (t >= 3000) for (int i = 0; i < 50; i++) meanSq[i] += out.get("x").get(i) * out.get("x").get(i) / 1000;
                }
                for (int i = 0; i < 50; i++)
                    assertEquals(targets[r], meanSq[i], 0.2 * targets[r], b.name() + ": " + circuits[r] + ", mean x^2 of neuron " + i);
                for (int i = 0; i < 50; i++) gE[r] += out.get("gE").get(i) / 50;
            }
            assertTrue(gE[1] > gE[0] + 0.1, b.name() + ": a higher target leaves more excitatory gain: " + gE[0] + " vs " + gE[1]);
        }
    }

    @Test void liquidFiresAndFiltersItsSpikes() throws Exception {
        double decay = Math.exp(-0.1 / 30);
        for (Backend b : Backends.available()) {
            Circuit c = compiled.circuit("Liquid", Map.of(), 0, b.name());
            int[] count = new int[50];
            double[] prev = new double[50];
            for (int t = 0; t < 5000; t++) {
                Map<String, Tensor> out = c.step(Map.of());
                for (int i = 0; i < 50; i++) {
                    double s = out.get("spike").get(i), l = out.get("liquid").get(i);
                    if (s != 0) count[i]++;
                    assertEquals(prev[i] * decay + s, l, 1e-4, b.name() + ": liquid state of neuron " + i + " at step " + t);
                    prev[i] = l;
                }
            }
            for (int i = 0; i < 50; i++) assertTrue(count[i] >= 1 && count[i] < 250, b.name() + ": neuron " + i + " fired " + count[i] + " times in 0.5 s");
        }
    }

    @Test void highLifeStepsAsCounted() throws Exception {
        int R = 16, C = 16;
        for (Backend b : Backends.available()) {
            Circuit c = compiled.circuit("HighLife", Map.of(), 0, b.name());
            boolean[][] board = null;
            int alive = 0;
            for (int t = 0; t < 30; t++) {
                Tensor out = c.step(Map.of()).get("out");
                boolean[][] got = new boolean[R][C];
                for (int i = 0; i < R * C; i++) got[i / C][i % C] = out.get(i) != 0;
                if (board != null) {
                    for (int r = 0; r < R; r++) {
                        for (int col = 0; col < C; col++) {
                            int n = 0;
                            for (int dr = -1; dr <= 1; dr++) for (int dc = -1; dc <= 1; dc++)
                                if ((dr != 0 || dc != 0) && board[(r + dr + R) % R][(col + dc + C) % C]) n++;
                            boolean want = board[r][col] ? n == 2 || n == 3 : n == 3 || n == 6;
                            assertEquals(want, got[r][col], b.name() + ": cell (" + r + ", " + col + ") of generation " + t);
                        }
                    }
                }
                board = got;
                for (boolean[] row : got) for (boolean x : row) if (x) alive++;
            }
            assertTrue(alive > 100, "the board does not die out at once: " + alive);
        }
    }
}
