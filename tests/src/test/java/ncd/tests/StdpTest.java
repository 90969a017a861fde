package ncd.tests;

import ncd.api.Circuit;
import ncd.api.Compiled;
import ncd.api.Ncd;
import ncd.runtime.Backends;
import ncd.runtime.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * examples/stdp.ncd reproduces the pair-based STDP window: the weight change of a synapse whose postsynaptic spike
 * comes {@code dt} after its presynaptic one is {@code A+ exp(-dt / tau+)} for {@code dt > 0} and
 * {@code -A- exp(dt / tau-)} for {@code dt < 0}, for lags from -20 ms to 20 ms, on every backend.
 */
class StdpTest {
    private static final double A_PLUS = 0.01, A_MINUS = 0.0051, TAU_PLUS = 16.8e-3, TAU_MINUS = 33.7e-3, DT = 1e-4;

    @Test void weightChangesFollowTheWindow() throws Exception {
        Compiled c = Ncd.compile(Repo.root().resolve("examples/stdp.ncd"));
        for (var b : Backends.available()) {
            Circuit window = c.circuit("Window", Map.of(), 0, b.name());
            Tensor dw = null;
            for (int s = 0; s < 600; s++) dw = window.step(Map.of()).get("out");
            for (int k = 0; k < 41; k++) {
                double lag = (k - 20) * 10 * DT;
                double want = lag > 0 ? A_PLUS * Math.exp(-lag / TAU_PLUS) : lag < 0 ? -A_MINUS * Math.exp(lag / TAU_MINUS) : 0;
                assertEquals(want, dw.get(k), 1e-6, b.name() + ": weight change at a lag of " + Math.round(lag * 1e3) + " ms");
            }
        }
    }
}
